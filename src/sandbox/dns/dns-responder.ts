import dnsPacket from 'dns-packet';
import type { Answer, OptAnswer, Packet, Question } from 'dns-packet';
import { clientSubnetOf, clientSubnetReply, optRecordOf } from './client-subnet.ts';
import type { ClientSubnet } from './client-subnet.ts';
import { normalizeDnsName } from './hosted-zone.ts';
import type { ZoneRecordType } from './hosted-zone.ts';
import type { SandboxState } from '../sandbox-state.ts';

/** DNS response codes the sandbox uses (RFC 1035 §4.1.1). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

// Classic DNS over UDP without EDNS: longer answers must set TC so the client retries over TCP.
const UDP_PAYLOAD_LIMIT = 512;
// With EDNS the client names its limit; past this one fragmentation loses answers (DNS flag day 2020).
const EDNS_PAYLOAD_LIMIT = 1232;
const OPCODE_QUERY = 0;

/**
 * Answers one DNS query from the sandbox's hosted zone with Route 53 semantics: failover,
 * latency (the client's region comes from its EDNS Client Subnet when it carries one inside a
 * resolver client's address, else from its source address), weighted and simple record sets,
 * alias targets followed, CNAMEs chased inside the zone, NXDOMAIN vs NODATA with the SOA.
 * Answers are evaluated live, so they change exactly when a `dns-answer` event is recorded.
 * Authoritative for the zone; outside it, it answers A queries for the regions' API Gateway
 * names (so a client can learn which address is which region) and REFUSES the rest. A private
 * zone answers only resolver clients in the regions of its VPCs and REFUSES every other source.
 *
 * @returns the encoded response, or undefined when the message must be dropped (too short to
 *   carry an id, or itself a response).
 */
export function respondToQuery(state: SandboxState, message: Buffer, transport: 'udp' | 'tcp', clientAddress?: string): Buffer | undefined {
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
  const opt = optRecordOf(query);
  const subnet = clientSubnetOf(query);
  const payloadLimit = opt === undefined ? UDP_PAYLOAD_LIMIT : Math.min(EDNS_PAYLOAD_LIMIT, Math.max(UDP_PAYLOAD_LIMIT, opt.udpPayloadSize));
  const reply = (rcode: number, authoritative: boolean, sections: Partial<Packet> = {}, dependsOnClient = false): Buffer =>
    encode(
      {
        id,
        type: 'response',
        flags: opcodeBits | recursionDesired | (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | rcode,
        questions,
        ...sections,
        // RFC 6891 §7: an EDNS query gets an OPT record back; RFC 7871 §7.2: with its subnet echoed.
        additionals: [...(sections.additionals ?? []), ...(opt === undefined ? [] : [responseOpt(subnet, dependsOnClient)])],
      },
      transport,
      payloadLimit,
    );
  if (opcodeBits >> 11 !== OPCODE_QUERY) return reply(RCODE.NOTIMP, false);
  const question = questions[0];
  if (question === undefined || questions.length !== 1) return reply(RCODE.FORMERR, false);
  const questionClass = question.class ?? 'IN';
  if (questionClass !== 'IN' && questionClass !== 'ANY') return reply(RCODE.REFUSED, false);

  const zone = state.zone;
  const name = normalizeDnsName(question.name);
  if (name !== zone.name && !name.endsWith(`.${zone.name}`)) return answerOutsideZone(state, question, reply);
  // A private zone exists only inside its VPCs: a resolver elsewhere gets nothing from it.
  if (!state.seesZone(clientAddress)) return reply(RCODE.REFUSED, false);

  const records = state.records();
  const soa = records.find((r) => r.type === 'SOA' && r.name === zone.name);
  const negative = soa === undefined ? [] : toAnswers('SOA', soa.name, soa.ttl ?? 0, soa.values);
  const atName = state.recordsNamed(name);
  // A name with records below it (an empty non-terminal) exists: NODATA, not NXDOMAIN.
  const exists = atName.length > 0 || records.some((r) => r.name.endsWith(`.${name}`));
  if (!exists) return reply(RCODE.NXDOMAIN, true, { authorities: negative });

  const clientRegion = clientRegionFor(state, subnet, clientAddress);
  const answers = answersFor(state, question.name, question.type as string, { region: clientRegion, address: clientAddress }, 0);
  const dependsOnClient = state.dependsOnClientRegion(name);
  if (answers.length === 0) return reply(RCODE.NOERROR, true, { authorities: negative }, dependsOnClient);
  return reply(RCODE.NOERROR, true, { answers, additionals: glueFor(state, answers, clientRegion) }, dependsOnClient);
}

/**
 * A name outside the zone: a region's API Gateway name gets its current address (not
 * authoritatively: the sandbox answers as the client's resolver would), anything else REFUSED.
 */
function answerOutsideZone(state: SandboxState, question: Question, reply: (rcode: number, authoritative: boolean, sections?: Partial<Packet>) => Buffer): Buffer {
  const regional = state.regionalDomainAddress(question.name);
  if (regional === undefined) return reply(RCODE.REFUSED, false);
  const wanted = question.type as string;
  const answers = wanted === 'A' || wanted === 'ANY' ? toAnswers('A', question.name, REGIONAL_NAME_TTL, [regional]) : [];
  return reply(RCODE.NOERROR, false, { answers });
}

/** What resolvers cache a regional API Gateway name's address for (UNCONFIRMED on AWS; short keeps moves visible). */
const REGIONAL_NAME_TTL = 1;

/** The client's region: from its subnet when a resolver client lies inside it, else from its source address. */
function clientRegionFor(state: SandboxState, subnet: ClientSubnet | undefined, clientAddress: string | undefined): string {
  const fromSubnet = subnet === undefined ? undefined : state.clientRegionOfSubnet(subnet);
  return fromSubnet ?? state.clientRegionOf(clientAddress);
}

function responseOpt(subnet: ClientSubnet | undefined, dependsOnClient: boolean): OptAnswer {
  return {
    type: 'OPT',
    name: '.',
    udpPayloadSize: EDNS_PAYLOAD_LIMIT,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: subnet === undefined ? [] : [clientSubnetReply(subnet, dependsOnClient)],
  };
}

const MAX_CNAME_CHAIN = 8;

/** Who asks: the region Route 53 places it in, and its address (weighted answers rotate per client). */
interface Asker {
  readonly region: string;
  readonly address: string | undefined;
}

function answersFor(state: SandboxState, asked: string, wanted: string, asker: Asker, depth: number): Answer[] {
  const name = normalizeDnsName(asked);
  const atName = state.recordsNamed(name);
  const types = [...new Set(atName.map((r) => r.type))];
  const cname = types.includes('CNAME');
  if (cname && wanted !== 'CNAME' && wanted !== 'ANY') {
    // A CNAME owns its name: answer it, and follow it while the target is in the zone.
    const answer = state.answer(name, 'CNAME', asker.region, true, asker.address);
    if (answer === undefined) return [];
    const own = toAnswers('CNAME', asked, answer.ttl, answer.values);
    const target = answer.values[0];
    if (target === undefined || depth >= MAX_CNAME_CHAIN) return own;
    const targetName = normalizeDnsName(target);
    const zone = state.zone.name;
    if (targetName !== zone && !targetName.endsWith(`.${zone}`)) {
      // A region's API Gateway name: the sandbox is the client's resolver too, so it completes
      // the chain with the address, as a recursive resolver would.
      const regional = state.regionalDomainAddress(targetName);
      const withAddress = regional !== undefined && (wanted === 'A' || wanted === 'ANY');
      return withAddress ? [...own, ...toAnswers('A', targetName, REGIONAL_NAME_TTL, [regional])] : own;
    }
    return [...own, ...answersFor(state, targetName, wanted, asker, depth + 1)];
  }
  const chosenTypes = wanted === 'ANY' ? types : types.filter((t) => t === wanted);
  return chosenTypes.flatMap((type) => {
    const answer = state.answer(name, type, asker.region, true, asker.address);
    return answer === undefined ? [] : toAnswers(type, asked, answer.ttl, answer.values);
  });
}

// Address records for the name servers named in an NS answer, as Route 53's glue would give.
function glueFor(state: SandboxState, answers: readonly Answer[], clientRegion: string): Answer[] {
  return answers
    .flatMap((ns) => (ns.type === 'NS' && typeof ns.data === 'string' ? [ns.data] : []))
    .flatMap((nsHost) => {
      const answer = state.answer(nsHost, 'A', clientRegion);
      return answer === undefined ? [] : toAnswers('A', normalizeDnsName(nsHost), answer.ttl, answer.values);
    });
}

function toAnswers(type: ZoneRecordType, name: string, ttl: number, values: readonly string[]): Answer[] {
  return values.map((value): Answer => {
    switch (type) {
      case 'SOA': {
        const [mname = '', rname = '', serial, refresh, retry, expire, minimum] = value.split(/\s+/);
        return {
          type: 'SOA',
          name,
          ttl,
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
      }
      case 'TXT':
        return { type: 'TXT', name, ttl, class: 'IN', data: txtStrings(value) };
      case 'MX': {
        const [preference = '0', exchange = ''] = value.trim().split(/\s+/);
        return { type: 'MX', name, ttl, class: 'IN', data: { preference: Number(preference), exchange: normalizeDnsName(exchange) } };
      }
      case 'A':
      case 'AAAA':
        return { type, name, ttl, class: 'IN', data: value };
      case 'CNAME':
      case 'NS':
        return { type, name, ttl, class: 'IN', data: normalizeDnsName(value) };
    }
  });
}

/** Route 53 TXT values are one or more quoted strings: `"a" "b"`. */
function txtStrings(value: string): string[] {
  const quoted = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
  return quoted.length > 0 ? quoted : [value];
}

function encode(packet: Packet, transport: 'udp' | 'tcp', payloadLimit = UDP_PAYLOAD_LIMIT): Buffer {
  const encoded = dnsPacket.encode(packet);
  if (transport === 'tcp' || encoded.length <= payloadLimit) return encoded;
  return dnsPacket.encode({
    ...packet,
    flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
    answers: [],
    authorities: [],
    // The OPT record stays: it is how the client learns the server speaks EDNS.
    additionals: (packet.additionals ?? []).filter((a) => a.type === 'OPT'),
  });
}
