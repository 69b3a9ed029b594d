import { GetFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import { AwsClients } from '../../src/aws/aws-clients.ts';
import { CALL_DEADLINES, worstCallMs } from '../../src/aws/call-deadlines.ts';

/** Accepts every connection and never writes a byte back: a hung control plane. */
async function silentServer(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('control-plane call deadlines', function () {
  this.timeout(60_000);
  const deadlines = CALL_DEADLINES.sandbox;
  let server: Awaited<ReturnType<typeof silentServer>>;
  let clients: AwsClients;

  beforeEach(async () => {
    server = await silentServer();
    clients = new AwsClients({ kind: 'sandbox', endpoint: server.url });
  });
  afterEach(async () => {
    clients.destroy();
    await server.close();
  });

  it('gives up on a silent control plane after every attempt hit the response deadline', async () => {
    const started = Date.now();
    const error = await clients
      .lambda('us-east-1')
      .send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }))
      .catch((e: unknown) => e);
    const took = Date.now() - started;
    expect((error as Error).name).to.equal('TimeoutError');
    expect(server.connections(), 'one connection per attempt').to.equal(deadlines.maxAttempts);
    expect(took).to.be.at.least(deadlines.maxAttempts * deadlines.responseMs);
    // Backoff between attempts is under a second each with the SDK's standard strategy.
    expect(took).to.be.below(worstCallMs(deadlines) + deadlines.maxAttempts * 1_000);
  });

  it('interrupt ends a blocked call at once with an AbortError naming why, and later calls go out again', async () => {
    const lambda = clients.lambda('us-east-1');
    const pending = lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' })).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const interruptedAt = Date.now();
    clients.interrupt('SIGINT received');
    const error = (await pending) as Error;
    expect(Date.now() - interruptedAt).to.be.below(1_000);
    expect(error.name).to.equal('AbortError');
    expect(error.message).to.equal('SIGINT received');
    expect(server.connections(), 'an aborted call is not retried').to.equal(1);

    const next = lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' })).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.connections()).to.equal(2);
    clients.interrupt('done');
    await next;
  });
});
