import dnsPacket from 'dns-packet';
import type { Answer, Packet, Question, RecordType } from 'dns-packet';
import { normalizeDnsName } from './hosted-zone.ts';
import type { ZoneRecord } from './hosted-zone.ts';
import type { SandboxState } from './sandbox-state.ts';

/** DNS response codes the sandbox uses (RFC 1035 §4.1.1). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

// Classic DNS over UDP without EDNS: longer answers must set TC so the client retries over TCP.
const UDP_PAYLOAD_LIMIT = 512;
const OPCODE_QUERY = 0;

/**
 * Answers one DNS query from the sandbox's hosted zone with Route 53 semantics (failover A
 * answers come from the state's evaluated answer, so they change exactly when a `dns-answer`
 * event is recorded). Authoritative for the zone; REFUSED outside it.
 *
 * @returns the encoded response, or undefined when the message must be dropped (too short to
 *   carry an id, or itself a response).
 */
export function respondToQuery(state: SandboxState, message: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
  if (message.length < 12) return undefined;
  const id = message.readUInt16BE(0);
  const rawFlags = message.readUInt16BE(2);
  if ((rawFlags & 0x8000) !== 0) return undefined;
  const recursionDesired = rawFlags & dnsPacket.RECURSION_DESIRED;
  const opcodeBits = rawFlags & 0x7800;
  let query: Packet;
  try {
    query = dnsPacket.decode(message);
  } catch {
    return encode({ id, type: 'response', flags: opcodeBits | recursionDesired | RCODE.FORMERR }, transport);
  }
  const questions = query.questions ?? [];
  const reply = (rcode: number, authoritative: boolean, sections: Partial<Packet> = {}): Buffer =>
    encode(
      {
        id,
        type: 'response',
        flags: opcodeBits | recursionDesired | (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | rcode,
        questions,
        ...sections,
      },
      transport,
    );
  if (opcodeBits >> 11 !== OPCODE_QUERY) return reply(RCODE.NOTIMP, false);
  const question = questions[0];
  if (question === undefined || questions.length !== 1) return reply(RCODE.FORMERR, false);
  const questionClass = question.class ?? 'IN';
  if (questionClass !== 'IN' && questionClass !== 'ANY') return reply(RCODE.REFUSED, false);

  const zone = state.zone;
  const name = normalizeDnsName(question.name);
  if (name !== zone.name && !name.endsWith(`.${zone.name}`)) return reply(RCODE.REFUSED, false);

  const soa = zone.records.find((r) => r.type === 'SOA' && r.name === zone.name);
  const negative = soa === undefined ? [] : toAnswer(soa, soa.name);
  const atName = state.recordsNamed(name);
  // A name with records below it (an empty non-terminal) exists: NODATA, not NXDOMAIN.
  const exists = atName.length > 0 || zone.records.some((r) => r.name.endsWith(`.${name}`));
  if (!exists) return reply(RCODE.NXDOMAIN, true, { authorities: negative });

  const answers = answersFor(state, atName, question);
  if (answers.length === 0) return reply(RCODE.NOERROR, true, { authorities: negative });
  return reply(RCODE.NOERROR, true, { answers, additionals: glueFor(state, answers) });
}

function answersFor(state: SandboxState, records: readonly ZoneRecord[], question: Question): Answer[] {
  const wanted = question.type as string;
  const types = new Set(records.filter((r) => wanted === 'ANY' || r.type === wanted).map((r) => r.type));
  return [...types].flatMap((type) => {
    if (type === 'A') {
      // Failover pairs hold several A record sets; the state has already chosen one answer.
      const addresses = state.answerFor(question.name);
      const chosen = records.find((r) => r.type === 'A' && r.values.every((v) => addresses.includes(v)));
      const ttl = (chosen ?? records.find((r) => r.type === 'A'))?.ttl ?? 0;
      return addresses.map((address): Answer => ({ type: 'A', name: question.name, ttl, class: 'IN', data: address }));
    }
    return records.filter((r) => r.type === type).flatMap((r) => toAnswer(r, question.name));
  });
}

// Address records for the name servers named in an NS answer, as Route 53's glue would give.
function glueFor(state: SandboxState, answers: readonly Answer[]): Answer[] {
  return answers
    .flatMap((ns) => (ns.type === 'NS' && typeof ns.data === 'string' ? [ns.data] : []))
    .flatMap((nsHost) => {
      const host = normalizeDnsName(nsHost);
      return state.answerFor(host).map((address): Answer => ({
        type: 'A',
        name: host,
        ttl: state.recordsNamed(host).find((r) => r.type === 'A')?.ttl ?? 0,
        class: 'IN',
        data: address,
      }));
    });
}

function toAnswer(record: ZoneRecord, name: string): Answer[] {
  if (record.type === 'SOA') {
    return record.values.map((value): Answer => {
      const [mname = '', rname = '', serial, refresh, retry, expire, minimum] = value.split(/\s+/);
      return {
        type: 'SOA',
        name,
        ttl: record.ttl,
        class: 'IN',
        data: {
          mname: normalizeDnsName(mname),
          rname: normalizeDnsName(rname),
          serial: Number(serial),
          refresh: Number(refresh),
          retry: Number(retry),
          expire: Number(expire),
          minimum: Number(minimum),
        },
      };
    });
  }
  const type: RecordType = record.type;
  return record.values.map(
    (value): Answer => ({ type: type as 'NS' | 'A', name, ttl: record.ttl, class: 'IN', data: normalizeDnsName(value) }),
  );
}

function encode(packet: Packet, transport: 'udp' | 'tcp'): Buffer {
  const encoded = dnsPacket.encode(packet);
  if (transport === 'tcp' || encoded.length <= UDP_PAYLOAD_LIMIT) return encoded;
  return dnsPacket.encode({
    ...packet,
    flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
    answers: [],
    authorities: [],
    additionals: [],
  });
}
