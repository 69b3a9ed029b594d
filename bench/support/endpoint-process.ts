/**
 * A minimal local endpoint for the benchmarks, run in its own process so the load generator and
 * the server do not share an event loop: an HTTP server answering 200 with a region header, and a
 * UDP DNS server answering every A query with 127.0.0.1 (TTL 1). Prints `{"httpPort","dnsPort"}`
 * as one JSON line on stdout, then serves until stdin closes or SIGTERM.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import dnsPacket from 'dns-packet';

const HOST = '127.0.0.1';
const body = Buffer.from('ok\n');

const http = createServer((_request, response) => {
  response.writeHead(200, { 'x-drdrill-region': 'bench-1', 'content-type': 'text/plain', 'content-length': body.length });
  response.end(body);
});
http.keepAliveTimeout = 30_000;
http.maxRequestsPerSocket = 0;

const dns = createSocket('udp4');
dns.on('message', (message, remote) => {
  let query: ReturnType<typeof dnsPacket.decode>;
  try {
    query = dnsPacket.decode(message);
  } catch {
    return;
  }
  const question = query.questions?.[0];
  if (question === undefined) return;
  const answer = dnsPacket.encode({
    type: 'response',
    id: query.id ?? 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [question],
    answers: question.type === 'A' ? [{ type: 'A', class: 'IN', name: question.name, ttl: 1, data: HOST }] : [],
  });
  dns.send(answer, remote.port, remote.address);
});

await new Promise<void>((resolve) => http.listen(0, HOST, 1024, resolve));
await new Promise<void>((resolve) => dns.bind(0, HOST, resolve));
const httpAddress = http.address();
const httpPort = httpAddress !== null && typeof httpAddress === 'object' ? httpAddress.port : 0;
process.stdout.write(`${JSON.stringify({ httpPort, dnsPort: dns.address().port })}\n`);

const stop = (): void => {
  dns.close();
  http.closeAllConnections();
  http.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
