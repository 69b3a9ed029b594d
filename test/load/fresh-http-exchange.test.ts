import { createServer, type Server, type Socket } from 'node:net';
import { expect } from 'chai';
import { FreshHttpExchange, type FreshHttpTemplate } from '../../src/load/fresh-http-exchange.ts';

/** A TCP server that answers every connection with the given bytes, written in the given pieces. */
async function rawServer(answer: (socket: Socket) => void): Promise<{ port: number; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((socket) => {
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      requests.push(seen);
      answer(socket);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { port, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Writes `pieces` one per event-loop turn, then (unless `keepOpen`) closes. */
function inPieces(pieces: readonly string[], keepOpen = false): (socket: Socket) => void {
  return (socket) => {
    let i = 0;
    const next = (): void => {
      const piece = pieces[i++];
      if (piece === undefined) {
        if (!keepOpen) socket.end();
        return;
      }
      socket.write(piece, 'latin1');
      setTimeout(next, 5);
    };
    next();
  };
}

interface Outcome {
  status: number;
  error: string | undefined;
  region: string | undefined;
  address: string | undefined;
}

async function exchange(port: number, method = 'GET'): Promise<Outcome> {
  const template: FreshHttpTemplate = {
    connect: { host: '127.0.0.1', port },
    bytes: Buffer.from(`${method} /x HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n`, 'latin1'),
    regionHeader: 'x-drdrill-region',
    head: method === 'HEAD',
  };
  return new Promise((resolve) => {
    const owner = {
      complete(ex: FreshHttpExchange, status: number, error: string | undefined) {
        resolve({ status, error, region: ex.loadRegion, address: ex.connectedAddress });
      },
    };
    new FreshHttpExchange(owner, 0, template, undefined);
  });
}

describe('FreshHttpExchange (a request on a connection of its own, read straight off the socket)', () => {
  const cases: [string, readonly string[], Partial<Outcome>, boolean?][] = [
    ['a Content-Length body split across reads', ['HTTP/1.1 200 OK\r\nX-Drdrill-Region: us-east-1\r\nConte', 'nt-Length: 10\r\n\r\n01234', '56789'], { status: 200, region: 'us-east-1', error: undefined }, true],
    ['a chunked body with extensions and trailers, split mid-size-line', ['HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4;x=1\r\nab', 'cd\r\n1', '0\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n', '\r\n'], { status: 503, error: undefined }, true],
    ['a body that ends when the server closes', ['HTTP/1.1 200 OK\r\nx-drdrill-region: eu-west-1\r\n\r\nsome', ' more'], { status: 200, region: 'eu-west-1', error: undefined }],
    ['an interim 100 Continue before the real response', ['HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 204 No Content\r\n\r\n'], { status: 204, error: undefined }, true],
    ['a body cut off before its length', ['HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort'], { status: 0, error: 'ECONNRESET' }],
    ['a connection closed before any response', [], { status: 0, error: 'ECONNRESET' }],
    ['something that is not HTTP', ['SSH-2.0-OpenSSH_9.6\r\n\r\n'], { status: 0, error: 'EPROTO' }],
  ];
  for (const [name, pieces, expected, keepOpen] of cases) {
    it(`reads ${name}`, async () => {
      // keepOpen: the response's own framing must end it, not the server closing.
      const server = await rawServer(inPieces(pieces, keepOpen));
      try {
        const outcome = await exchange(server.port);
        expect(outcome).to.include(expected);
        expect(outcome.address).to.equal('127.0.0.1');
        expect(server.requests[0]).to.match(/^GET \/x HTTP\/1\.1\r\nhost: test\r\nconnection: close\r\n\r\n$/);
      } finally {
        await server.close();
      }
    });
  }

  it('does not wait for a body after a HEAD, whatever Content-Length says', async () => {
    const server = await rawServer(inPieces(['HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n'], true));
    try {
      expect(await exchange(server.port, 'HEAD')).to.include({ status: 200, error: undefined });
    } finally {
      await server.close();
    }
  });

  it('reports ECONNREFUSED with the address it tried when nothing listens', async () => {
    const server = await rawServer(() => undefined);
    await server.close();
    expect(await exchange(server.port)).to.include({ status: 0, error: 'ECONNREFUSED', address: '127.0.0.1' });
  });
});
