import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One request as it arrived at a recording server. */
export interface ArrivedRequest {
  readonly method: string;
  /** Path and query, as sent on the request line. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RecordingServer {
  readonly address: string;
  readonly port: number;
  readonly url: string;
  readonly arrived: ArrivedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP server on `address` that records every request whole (method, path, headers, body) and
 * answers 200 with `regionHeader: region`, so a test can hold what a load engine sent against
 * what it was told to send.
 */
export async function startRecordingServer(address: string, region: string, regionHeader = 'x-drdrill-region'): Promise<RecordingServer> {
  const arrived: ArrivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      arrived.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { [regionHeader]: region, 'content-type': 'text/plain' });
      response.end(request.method === 'HEAD' ? undefined : `served by ${region}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('recording server has no port');
  return {
    address,
    port: bound.port,
    url: `http://${address}:${bound.port}`,
    arrived,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
