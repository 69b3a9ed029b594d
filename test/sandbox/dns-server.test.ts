import { expect } from 'chai';
import dnsPacket from 'dns-packet';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import {
  FAST_TOPOLOGY,
  addressesOf,
  framed,
  queryPacket,
  rcodeOf,
  tcpExchange,
  udpExchange,
  udpQuery,
} from './sandbox-test-kit.ts';

describe('sandbox DNS server', () => {
  let sandbox: Sandbox;

  before(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
  });
  after(async () => {
    await sandbox.close();
  });

  it('answers the failover record over UDP with the primary address, authoritatively, with the record TTL', async () => {
    const reply = await udpQuery(sandbox, 'api.drdrill.test', 'A', 777);
    expect(reply.id).to.equal(777);
    expect(reply.type).to.equal('response');
    expect(rcodeOf(reply)).to.equal('NOERROR');
    expect(reply.flag_aa).to.equal(true);
    expect(reply.flag_rd).to.equal(true);
    expect(addressesOf(reply)).to.deep.equal(['127.0.0.2']);
    expect(reply.answers?.[0]).to.include({ name: 'api.drdrill.test', ttl: 1 });
    expect(reply.questions).to.deep.equal([{ name: 'api.drdrill.test', type: 'A', class: 'IN' }]);
  });

  it('matches names case-insensitively and echoes the question as asked', async () => {
    const reply = await udpQuery(sandbox, 'ApI.DrDrill.TEST', 'A');
    expect(addressesOf(reply)).to.deep.equal(['127.0.0.2']);
    expect(reply.questions?.[0]?.name).to.equal('ApI.DrDrill.TEST');
  });

  it('answers several length-prefixed queries on one TCP connection, even when a frame is split across writes', async () => {
    const first = framed(queryPacket('api.drdrill.test', 'A', 1));
    const second = framed(queryPacket('drdrill.test', 'SOA', 2));
    const both = Buffer.concat([first, second]);
    const replies = await tcpExchange(sandbox, [both.subarray(0, 5), both.subarray(5, first.length + 3), both.subarray(first.length + 3)], 2);
    expect(replies.map((r) => r.id)).to.deep.equal([1, 2]);
    expect(addressesOf(replies[0]!)).to.deep.equal(['127.0.0.2']);
    expect(replies[0]?.flag_aa).to.equal(true);
    expect(replies[1]?.answers?.[0]?.type).to.equal('SOA');
  });

  it('gives the zone SOA and NS at the apex, with the name server address as glue', async () => {
    const soa = await udpQuery(sandbox, 'drdrill.test', 'SOA');
    const soaAnswer = soa.answers?.[0];
    expect(soaAnswer?.type).to.equal('SOA');
    if (soaAnswer?.type === 'SOA') {
      expect(soaAnswer.data).to.include({ mname: 'ns.drdrill.test', rname: 'hostmaster.drdrill.test', serial: 1, minimum: 86400 });
    }
    const ns = await udpQuery(sandbox, 'drdrill.test', 'NS');
    expect(ns.answers?.map((a) => (a.type === 'NS' ? a.data : a.type))).to.deep.equal(['ns.drdrill.test']);
    expect(ns.additionals?.map((a) => (a.type === 'A' ? [a.name, a.data] : [a.type]))).to.deep.equal([['ns.drdrill.test', '127.0.0.1']]);
  });

  it('answers NXDOMAIN with the SOA in authority for a name in the zone that has no records', async () => {
    const reply = await udpQuery(sandbox, 'missing.drdrill.test', 'A');
    expect(rcodeOf(reply)).to.equal('NXDOMAIN');
    expect(reply.flag_aa).to.equal(true);
    expect(reply.answers).to.have.length(0);
    expect(reply.authorities?.map((a) => a.type)).to.deep.equal(['SOA']);
  });

  it('answers NODATA (NOERROR, no answers) for an existing name asked for another type', async () => {
    const reply = await udpQuery(sandbox, 'api.drdrill.test', 'AAAA');
    expect(rcodeOf(reply)).to.equal('NOERROR');
    expect(reply.answers).to.have.length(0);
    expect(reply.authorities?.map((a) => a.type)).to.deep.equal(['SOA']);
  });

  it('refuses names outside the zone without claiming authority', async () => {
    const reply = await udpQuery(sandbox, 'example.com', 'A');
    expect(rcodeOf(reply)).to.equal('REFUSED');
    expect(reply.flag_aa).to.equal(false);
    expect(reply.answers).to.have.length(0);
    const lookalike = await udpQuery(sandbox, 'notdrdrill.test', 'A');
    expect(rcodeOf(lookalike)).to.equal('REFUSED');
  });

  it('answers a query whose question section is cut off with FORMERR and the same id', async () => {
    const whole = queryPacket('api.drdrill.test', 'A', 3131);
    const reply = await udpExchange(sandbox, whole.subarray(0, 16));
    expect(reply.id).to.equal(3131);
    expect(rcodeOf(reply)).to.equal('FORMERR');
  });

  it('answers an opcode other than QUERY with NOTIMP', async () => {
    const status = dnsPacket.encode({ type: 'query', id: 9, flags: 2 << 11, questions: [{ name: 'api.drdrill.test', type: 'A' }] });
    const reply = await udpExchange(sandbox, status);
    expect(rcodeOf(reply)).to.equal('NOTIMP');
  });
});
