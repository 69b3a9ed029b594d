import { expect } from 'chai';
import { PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { FAST_TOPOLOGY, httpGet, lambdaClient } from './sandbox-test-kit.ts';

describe('sandbox regional endpoints', () => {
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('listens on the same port on every region address and says which region served', async () => {
    const [east, west] = sandbox.description.regions;
    expect(east?.url).to.equal(`http://127.0.0.2:${sandbox.description.httpPort}`);
    expect(west?.url).to.equal(`http://127.0.0.3:${sandbox.description.httpPort}`);
    const fromEast = await httpGet(`${east?.url}/orders/42?x=1`, 'api.drdrill.test');
    expect(fromEast.status).to.equal(200);
    expect(fromEast.headers['x-drdrill-region']).to.equal('us-east-1');
    expect(fromEast.headers['content-type']).to.equal('application/json');
    expect(JSON.parse(fromEast.body)).to.deep.equal({ region: 'us-east-1', service: 'api', function: 'api-handler', path: '/orders/42?x=1' });
    const fromWest = await httpGet(`${west?.url}/health`, `api.drdrill.test:${sandbox.description.httpPort}`);
    expect(JSON.parse(fromWest.body)).to.include({ region: 'us-west-2', path: '/health' });
  });

  it('serves the first service when the Host is an address, and answers 403 Forbidden for an unknown host name', async () => {
    const reply = await httpGet(`${sandbox.description.regions[0]?.url}/`);
    expect(reply.status).to.equal(200);
    expect(JSON.parse(reply.body)).to.include({ service: 'api' });
    const unknown = await httpGet(`${sandbox.description.regions[0]?.url}/`, 'unknown.example');
    expect(unknown.status).to.equal(403);
    expect(JSON.parse(unknown.body)).to.deep.equal({ message: 'Forbidden' });
  });

  it('answers 500 Internal Server Error only in the region whose function is throttled to 0', async () => {
    const lambda = lambdaClient(sandbox, 'us-west-2');
    try {
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 0 }));
    } finally {
      lambda.destroy();
    }
    const west = await httpGet(`${sandbox.description.regions[1]?.url}/health`, 'api.drdrill.test');
    expect(west.status).to.equal(500);
    expect(west.headers['content-type']).to.equal('application/json');
    expect(JSON.parse(west.body)).to.deep.equal({ message: 'Internal Server Error' });
    const east = await httpGet(`${sandbox.description.regions[0]?.url}/health`, 'api.drdrill.test');
    expect(east.status).to.equal(200);
  });

  it('keeps serving a function with a positive reservation', async () => {
    const lambda = lambdaClient(sandbox, 'us-east-1');
    try {
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 5 }));
    } finally {
      lambda.destroy();
    }
    const east = await httpGet(`${sandbox.description.regions[0]?.url}/`, 'api.drdrill.test');
    expect(east.status).to.equal(200);
  });
});
