import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import { connect } from 'node:net';
import dnsPacket from 'dns-packet';
import type { DecodedPacket, RecordType } from 'dns-packet';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { DEFAULT_TOPOLOGY } from '../../src/sandbox/topology/topology.ts';
import type { SandboxTopology } from '../../src/sandbox/topology/topology.ts';

/** 10 s RequestInterval × 0.02 = 200 ms per probe: a 3-failure flip takes ~0.6 s. */
export const FAST_TOPOLOGY = { ...DEFAULT_TOPOLOGY, timeScale: 0.02 } satisfies SandboxTopology;
export const PROBE_INTERVAL_MS = 10 * FAST_TOPOLOGY.timeScale * 1000;
export const PRIMARY_ADDRESS = '127.0.0.2';
export const SECONDARY_ADDRESS = '127.0.0.3';
export const RECORD_NAME = 'api.drdrill.test';
export const PRIMARY_CHECK = 'hc-api-us-east-1';
export const SECONDARY_CHECK = 'hc-api-us-west-2';

const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

/** Any SDK v3 client class. */
type ClientClass<C> = new (config: { region: string; endpoint: string; credentials: typeof credentials; maxAttempts: number }) => C;

/** A real SDK v3 client of any service pointed at the sandbox (no retries: one call, one request). */
export function sdkClient<C>(Client: ClientClass<C>, sandbox: Sandbox, region = 'us-east-1'): C {
  return new Client({ region, endpoint: sandbox.description.controlPlaneUrl, credentials, maxAttempts: 1 });
}

/** A real SDK v3 Lambda client pointed at the sandbox (no retries, so each call is one request). */
export function lambdaClient(sandbox: Sandbox, region = 'us-east-1'): LambdaClient {
  return new LambdaClient({ region, endpoint: sandbox.description.controlPlaneUrl, credentials, maxAttempts: 1 });
}

/** A real SDK v3 Route 53 client pointed at the sandbox. */
export function route53Client(sandbox: Sandbox): Route53Client {
  return new Route53Client({ region: 'us-east-1', endpoint: sandbox.description.controlPlaneUrl, credentials, maxAttempts: 1 });
}

/** Builds a query packet. */
export function queryPacket(name: string, type: RecordType | 'ANY', id = 4242): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as RecordType, class: 'IN' }],
  });
}

/** Sends raw bytes to the sandbox DNS over UDP and decodes the reply (bounded by `timeoutMs`). */
export function udpExchange(sandbox: Sandbox, message: Buffer, timeoutMs = 1000): Promise<DecodedPacket> {
  const { host, port } = sandbox.description.dns;
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no UDP DNS answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      try {
        resolve(dnsPacket.decode(reply));
      } catch (error) {
        reject(error as Error);
      }
    });
    socket.send(message, port, host);
  });
}

/** One UDP query for `name`/`type`. */
export function udpQuery(sandbox: Sandbox, name: string, type: RecordType | 'ANY' = 'A', id = 4242): Promise<DecodedPacket> {
  return udpExchange(sandbox, queryPacket(name, type, id));
}

export interface QueryFromOptions {
  /** Source address of the query (a resolver client's, as `dig -b`). @default 127.0.0.1 */
  readonly from?: string;
  /** EDNS Client Subnet to send: address and source prefix length. */
  readonly subnet?: { readonly ip: string; readonly prefix: number };
}

/** One UDP A query with a chosen source address (as `dig -b`) and, optionally, an EDNS Client Subnet. */
export function udpQueryFrom(sandbox: Sandbox, name: string, options: QueryFromOptions = {}): Promise<DecodedPacket> {
  const { host, port } = sandbox.description.dns;
  const subnet = options.subnet;
  const message = dnsPacket.encode({
    type: 'query',
    id: 77,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: 'A', class: 'IN' }],
    ...(subnet === undefined
      ? {}
      : {
          additionals: [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: 1232,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: [{ code: 8, family: 1, sourcePrefixLength: subnet.prefix, scopePrefixLength: 0, ip: subnet.ip }],
            },
          ],
        }),
  });
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no DNS answer within 1000 ms'));
    }, 1000);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(dnsPacket.decode(reply));
    });
    socket.bind({ address: options.from ?? '127.0.0.1', port: 0 }, () => socket.send(message, port, host));
  });
}

/**
 * Sends several queries on one TCP connection, each length-prefixed, written as the given
 * chunks (to exercise framing), and decodes `expected` replies.
 */
export function tcpExchange(sandbox: Sandbox, chunks: readonly Buffer[], expected: number, timeoutMs = 1000): Promise<DecodedPacket[]> {
  const { host, port } = sandbox.description.dns;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let pending = Buffer.alloc(0);
    const replies: DecodedPacket[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`got ${replies.length} of ${expected} TCP DNS answers within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        // Separate writes so the server sees them as separate reads.
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        replies.push(dnsPacket.decode(pending.subarray(2, 2 + length)));
        pending = pending.subarray(2 + length);
      }
      if (replies.length >= expected) {
        clearTimeout(timer);
        socket.destroy();
        resolve(replies);
      }
    });
  });
}

/** Length-prefixes a DNS message for TCP. */
export function framed(message: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(message.length, 0);
  return Buffer.concat([prefix, message]);
}

/** The A addresses in a reply. */
export function addressesOf(reply: DecodedPacket): string[] {
  return (reply.answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : []));
}

/** The reply's RCODE as dns-packet names it. */
export function rcodeOf(reply: DecodedPacket): string {
  return (reply as DecodedPacket & { rcode: string }).rcode;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** GET on a fresh connection (no agent), with an explicit Host header. */
export function httpGet(url: string, hostHeader?: string, timeoutMs = 2000): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs, headers: hostHeader === undefined ? {} : { host: hostHeader } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `check` every `everyMs` until it returns a value, at most `timeoutMs`. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Catches the rejection of `promise` (fails when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
