import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { expect } from 'chai';
import { queryA } from '../../src/net/dns-query.ts';
import { InvalidDnsNameError } from '../../src/net/dns-name.ts';
import { InvalidDnsServerError, parseDnsServer } from '../../src/net/dns-server-address.ts';
import { InvalidClientSubnetError } from '../../src/net/client-subnet.ts';
import { startTestDnsServer, type TestDnsServer } from './support/test-dns-server.ts';

describe('queryA', function () {
  this.timeout(10_000);
  let dns: TestDnsServer;
  let blackhole: UdpSocket;
  let blackholeAddress: string;

  before(async () => {
    dns = await startTestDnsServer();
    blackhole = createSocket('udp4');
    blackhole.on('message', () => undefined);
    await new Promise<void>((resolve) => blackhole.bind(0, '127.0.0.1', resolve));
    blackholeAddress = `127.0.0.1:${blackhole.address().port}`;
  });

  after(async () => {
    await dns.close();
    await new Promise<void>((resolve) => blackhole.close(() => resolve()));
  });

  it('returns the A addresses sorted, with the smallest TTL and NOERROR', async () => {
    dns.set('api.drdrill.test', { kind: 'a', addresses: ['127.0.0.3', '127.0.0.2'], ttl: 30 });
    const answer = await queryA(dns.address, 'api.drdrill.test', { timeoutMs: 1000 });
    expect(answer.rcode).to.equal('NOERROR');
    expect(answer.addresses).to.deep.equal(['127.0.0.2', '127.0.0.3']);
    expect(answer.ttl).to.equal(30);
    expect(answer.transport).to.equal('udp');
    expect(answer.latencyMs).to.be.within(0, 1000);
  });

  it('treats names case-insensitively and accepts a trailing dot', async () => {
    dns.set('mixed.drdrill.test', { kind: 'a', addresses: ['127.0.0.9'] });
    const answer = await queryA(dns.address, 'MIXED.drdrill.test.', { timeoutMs: 1000 });
    expect(answer.addresses).to.deep.equal(['127.0.0.9']);
  });

  it('reports NXDOMAIN with no addresses and no TTL', async () => {
    const answer = await queryA(dns.address, 'missing.drdrill.test', { timeoutMs: 1000 });
    expect(answer.rcode).to.equal('NXDOMAIN');
    expect(answer.addresses).to.deep.equal([]);
    expect(answer).not.to.have.property('ttl');
  });

  it('reports SERVFAIL as the rcode', async () => {
    dns.set('broken.drdrill.test', { kind: 'rcode', rcode: 'SERVFAIL' });
    const answer = await queryA(dns.address, 'broken.drdrill.test', { timeoutMs: 1000 });
    expect(answer.rcode).to.equal('SERVFAIL');
  });

  it('follows a CNAME chain inside the answer section', async () => {
    dns.set('www.drdrill.test', { kind: 'cname', target: 'edge.drdrill.test', ttl: 300 });
    dns.set('edge.drdrill.test', { kind: 'cname', target: 'origin.drdrill.test' });
    dns.set('origin.drdrill.test', { kind: 'a', addresses: ['127.0.0.5'], ttl: 10 });
    const answer = await queryA(dns.address, 'www.drdrill.test', { timeoutMs: 1000 });
    expect(answer.addresses).to.deep.equal(['127.0.0.5']);
    expect(answer.ttl).to.equal(10);
    expect(answer.cnames).to.deep.equal(['edge.drdrill.test', 'origin.drdrill.test']);
  });

  it('returns the CNAME chain lower-case without trailing dots, and an empty chain for a plain A answer', async () => {
    dns.set('API.Shop.drdrill.test', { kind: 'cname', target: 'D-ABC123.execute-api.EU-WEST-1.amazonaws.com.' });
    dns.set('d-abc123.execute-api.eu-west-1.amazonaws.com', { kind: 'a', addresses: ['127.0.0.12'] });
    const chained = await queryA(dns.address, 'api.shop.drdrill.test', { timeoutMs: 1000 });
    expect(chained.cnames).to.deep.equal(['d-abc123.execute-api.eu-west-1.amazonaws.com']);
    dns.set('plain.drdrill.test', { kind: 'a', addresses: ['127.0.0.13'] });
    expect((await queryA(dns.address, 'plain.drdrill.test', { timeoutMs: 1000 })).cnames).to.deep.equal([]);
  });

  it('keeps the chain of a dangling CNAME (NOERROR, no addresses) so the answer still names where it pointed', async () => {
    dns.set('dangling.drdrill.test', { kind: 'cname', target: 'gone.elb.drdrill.test' });
    const answer = await queryA(dns.address, 'dangling.drdrill.test', { timeoutMs: 1000 });
    expect(answer.addresses).to.deep.equal([]);
    expect(answer.cnames).to.deep.equal(['gone.elb.drdrill.test']);
  });

  it('retries over TCP when the UDP response is truncated', async () => {
    dns.set('big.drdrill.test', { kind: 'a', addresses: ['127.0.0.7'], ttl: 5 });
    dns.truncateOverUdp.add('big.drdrill.test');
    const tcpBefore = dns.counts.tcp;
    const answer = await queryA(dns.address, 'big.drdrill.test', { timeoutMs: 1000 });
    expect(answer.transport).to.equal('tcp');
    expect(answer.addresses).to.deep.equal(['127.0.0.7']);
    expect(dns.counts.tcp).to.equal(tcpBefore + 1);
  });

  it('resolves with rcode TIMEOUT after timeoutMs when the server never answers', async () => {
    const startedAt = Date.now();
    const answer = await queryA(blackholeAddress, 'api.drdrill.test', { timeoutMs: 200 });
    const elapsed = Date.now() - startedAt;
    expect(answer.rcode).to.equal('TIMEOUT');
    expect(answer.addresses).to.deep.equal([]);
    expect(elapsed).to.be.within(180, 2000);
  });

  it('ignores a response whose id does not match and keeps waiting for the real one', async () => {
    const spoofer = createSocket('udp4');
    spoofer.on('message', (message, remote) => {
      // Answer with a wrong id first, then with the right one 50 ms later.
      const id = message.readUInt16BE(0);
      const reply = (replyId: number, address: string): Buffer => {
        const buf = Buffer.from(message);
        const answerTail = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...address.split('.').map(Number)]);
        buf.writeUInt16BE(replyId, 0);
        buf.writeUInt16BE(0x8400, 2);
        buf.writeUInt16BE(1, 6);
        return Buffer.concat([buf, answerTail]);
      };
      spoofer.send(reply((id + 1) & 0xffff, '10.9.9.9'), remote.port, remote.address);
      setTimeout(() => spoofer.send(reply(id, '127.0.0.42'), remote.port, remote.address), 50);
    });
    await new Promise<void>((resolve) => spoofer.bind(0, '127.0.0.1', resolve));
    try {
      const answer = await queryA(`127.0.0.1:${spoofer.address().port}`, 'api.drdrill.test', { timeoutMs: 1000 });
      expect(answer.addresses).to.deep.equal(['127.0.0.42']);
    } finally {
      await new Promise<void>((resolve) => spoofer.close(() => resolve()));
    }
  });

  it('rejects with the abort reason when the signal aborts mid-query', async () => {
    const controller = new AbortController();
    const pending = queryA(blackholeAddress, 'api.drdrill.test', { timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop now')), 20);
    const startedAt = Date.now();
    const error = await pending.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).to.be.instanceOf(Error).with.property('message', 'stop now');
    expect(Date.now() - startedAt).to.be.below(1000);
  });

  it('sends from the given source address over UDP and over the TCP retry, like dig -b', async () => {
    dns.set('source.drdrill.test', { kind: 'a', addresses: ['127.0.0.20'] });
    dns.answerBy = (query) => (query.source === '127.0.0.11' ? { kind: 'a', addresses: ['127.0.0.21'] } : undefined);
    try {
      const fromEleven = await queryA(dns.address, 'source.drdrill.test', { timeoutMs: 1000, sourceAddress: '127.0.0.11' });
      const fromDefault = await queryA(dns.address, 'source.drdrill.test', { timeoutMs: 1000 });
      expect(fromEleven.addresses).to.deep.equal(['127.0.0.21']);
      expect(fromDefault.addresses).to.deep.equal(['127.0.0.20']);
      dns.truncateOverUdp.add('source.drdrill.test');
      const before = dns.queries.length;
      const overTcp = await queryA(dns.address, 'source.drdrill.test', { timeoutMs: 1000, sourceAddress: '127.0.0.12' });
      expect(overTcp.transport).to.equal('tcp');
      expect(dns.queries.slice(before).map((query) => `${query.transport} ${query.source}`)).to.deep.equal(['udp 127.0.0.12', 'tcp 127.0.0.12']);
    } finally {
      dns.answerBy = undefined;
      dns.truncateOverUdp.delete('source.drdrill.test');
    }
  });

  it('sends an EDNS Client Subnet option that the server reads as the client network', async () => {
    dns.set('latency.drdrill.test', { kind: 'a', addresses: ['127.0.0.30'] });
    dns.answerBy = (query) => (query.clientSubnet === '198.51.100.0/24' ? { kind: 'a', addresses: ['127.0.0.31'] } : undefined);
    try {
      const before = dns.queries.length;
      const withSubnet = await queryA(dns.address, 'latency.drdrill.test', { timeoutMs: 1000, clientSubnet: '198.51.100.0/24' });
      const without = await queryA(dns.address, 'latency.drdrill.test', { timeoutMs: 1000 });
      const v6 = await queryA(dns.address, 'latency.drdrill.test', { timeoutMs: 1000, clientSubnet: '2001:db8:40::/48' });
      expect(withSubnet.addresses).to.deep.equal(['127.0.0.31']);
      expect(without.addresses).to.deep.equal(['127.0.0.30']);
      expect(v6.addresses).to.deep.equal(['127.0.0.30']);
      expect(dns.queries.slice(before).map((query) => query.clientSubnet)).to.deep.equal(['198.51.100.0/24', undefined, '2001:db8:40::/48']);
    } finally {
      dns.answerBy = undefined;
    }
  });

  it('reports a source address this machine does not have as ERROR, not a hang', async () => {
    const answer = await queryA(dns.address, 'api.drdrill.test', { timeoutMs: 1000, sourceAddress: '192.0.2.1' });
    expect(answer.rcode).to.equal('ERROR');
    expect(answer.error).to.equal('EADDRNOTAVAIL');
  });

  it('rejects a bad source address or client subnet before sending anything', () => {
    const before = dns.queries.length;
    expect(() => queryA(dns.address, 'a.test', { sourceAddress: 'localhost' })).to.throw(RangeError, /sourceAddress must be an IPv4 address.*"localhost"/);
    expect(() => queryA(dns.address, 'a.test', { sourceAddress: '::1' })).to.throw(RangeError, /IPv4/);
    expect(() => queryA(dns.address, 'a.test', { clientSubnet: '198.51.100.7/24' })).to.throw(InvalidClientSubnetError, /host bits.*198\.51\.100\.0\/24/);
    expect(() => queryA(dns.address, 'a.test', { clientSubnet: '198.51.100.0' })).to.throw(InvalidClientSubnetError, /prefix/);
    expect(dns.queries.length).to.equal(before);
  });

  it('rejects bad server strings and names before sending anything', () => {
    expect(() => queryA('localhost:53', 'a.test')).to.throw(InvalidDnsServerError, /localhost/);
    expect(() => queryA('127.0.0.1:99999', 'a.test')).to.throw(InvalidDnsServerError, /port 99999/);
    expect(() => queryA('[::1:53', 'a.test')).to.throw(InvalidDnsServerError, /\]/);
    expect(() => queryA(dns.address, 'a..test')).to.throw(InvalidDnsNameError, /empty label/);
    expect(() => queryA(dns.address, '')).to.throw(InvalidDnsNameError, /empty/);
    expect(() => queryA(dns.address, 'a.test', { timeoutMs: 0 })).to.throw(RangeError, /timeoutMs/);
  });
});

describe('parseDnsServer', () => {
  it('parses IPv4 with and without a port, bracketed and bare IPv6', () => {
    expect(parseDnsServer('127.0.0.1:5353')).to.deep.equal({ host: '127.0.0.1', port: 5353, family: 4 });
    expect(parseDnsServer('10.0.0.2')).to.deep.equal({ host: '10.0.0.2', port: 53, family: 4 });
    expect(parseDnsServer('[::1]:5353')).to.deep.equal({ host: '::1', port: 5353, family: 6 });
    expect(parseDnsServer('[::1]')).to.deep.equal({ host: '::1', port: 53, family: 6 });
    expect(parseDnsServer('::1')).to.deep.equal({ host: '::1', port: 53, family: 6 });
  });

  it('rejects ports that are not numbers and hosts that are not IP literals', () => {
    expect(() => parseDnsServer('127.0.0.1:abc')).to.throw(InvalidDnsServerError, /not a number/);
    expect(() => parseDnsServer('127.0.0.1:0')).to.throw(InvalidDnsServerError, /outside 1\.\.65535/);
    expect(() => parseDnsServer('[127.0.0.1]:53')).to.throw(InvalidDnsServerError, /not an IPv6/);
    expect(() => parseDnsServer('')).to.throw(InvalidDnsServerError, /empty/);
  });
});
