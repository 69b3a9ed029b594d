import { expect } from 'chai';
import { GetFunctionConcurrencyCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateHealthCheckCommand, GetHealthCheckCommand } from '@aws-sdk/client-route-53';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { parseSigV4Scope } from '../../src/sandbox/control-plane/sigv4-scope.ts';
import { FAST_TOPOLOGY, PRIMARY_CHECK, lambdaClient, rejectionOf, route53Client } from './sandbox-test-kit.ts';

const DYNAMODB_AUTH =
  'AWS4-HMAC-SHA256 Credential=sandbox/20261120/eu-west-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';

describe('sandbox control plane', () => {
  let sandbox: Sandbox;

  before(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
  });
  after(async () => {
    await sandbox.close();
  });

  it('reads service and region from the SigV4 credential scope', () => {
    expect(parseSigV4Scope('AWS4-HMAC-SHA256 Credential=AKID/20261120/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=ab')).to.deep.equal({
      accessKeyId: 'AKID',
      date: '20261120',
      region: 'us-east-1',
      service: 'lambda',
    });
    expect(parseSigV4Scope(undefined)).to.equal(undefined);
    expect(parseSigV4Scope('Bearer abc')).to.equal(undefined);
  });

  it('logs each SDK call with the request id the SDK saw', async () => {
    const lambda = lambdaClient(sandbox, 'us-west-2');
    const route53 = route53Client(sandbox);
    try {
      const concurrency = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
      const check = await route53.send(new GetHealthCheckCommand({ HealthCheckId: PRIMARY_CHECK }));
      const [lambdaCall, route53Call] = sandbox.calls().slice(-2);
      expect(lambdaCall).to.include({ service: 'lambda', region: 'us-west-2', operation: 'GetFunctionConcurrency', mutating: false, status: 200 });
      expect(lambdaCall?.requestId).to.equal(concurrency.$metadata.requestId);
      expect(route53Call).to.include({ service: 'route53', region: 'us-east-1', operation: 'GetHealthCheck', mutating: false });
      expect(route53Call?.requestId).to.equal(check.$metadata.requestId);
      expect(route53Call?.requestId).to.match(/^[0-9a-f-]{36}$/);
    } finally {
      lambda.destroy();
      route53.destroy();
    }
  });

  it('answers a Lambda operation it does not implement with UnknownOperationException (400)', async () => {
    const lambda = lambdaClient(sandbox);
    try {
      const error = await rejectionOf(lambda.send(new ListFunctionsCommand({})));
      expect(error.name).to.equal('UnknownOperationException');
      expect(error.message).to.contain('/2015-03-31/functions');
      expect(error.$metadata?.httpStatusCode).to.equal(400);
      expect(sandbox.calls().at(-1)).to.include({ service: 'lambda', operation: 'Unknown', errorCode: 'UnknownOperationException' });
    } finally {
      lambda.destroy();
    }
  });

  it('answers a Route 53 operation it does not implement with InvalidAction (400)', async () => {
    const route53 = route53Client(sandbox);
    try {
      const error = await rejectionOf(
        route53.send(new CreateHealthCheckCommand({ CallerReference: 'x', HealthCheckConfig: { Type: 'HTTP', IPAddress: '127.0.0.2', Port: 80 } })),
      );
      expect(error.name).to.equal('InvalidAction');
      expect(error.message).to.contain('Route 53');
      expect(error.$metadata?.httpStatusCode).to.equal(400);
    } finally {
      route53.destroy();
    }
  });

  it('answers a service it does not implement with a 400 naming the service', async () => {
    const res = await fetch(`${sandbox.description.controlPlaneUrl}/`, {
      method: 'POST',
      headers: { authorization: DYNAMODB_AUTH, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body: '{}',
    });
    expect(res.status).to.equal(400);
    expect(res.headers.get('x-amzn-errortype')).to.equal('UnknownOperationException');
    expect(res.headers.get('x-amzn-requestid')).to.match(/^[0-9a-f-]{36}$/);
    const body = (await res.json()) as { message: string };
    expect(body.message).to.contain('"dynamodb"');
    expect(sandbox.calls().at(-1)).to.include({ service: 'dynamodb', region: 'eu-west-1', status: 400 });
  });

  it('rejects an unsigned AWS request with 403', async () => {
    const res = await fetch(`${sandbox.description.controlPlaneUrl}/2019-09-30/functions/api-handler/concurrency`);
    expect(res.status).to.equal(403);
    expect(res.headers.get('x-amzn-errortype')).to.equal('MissingAuthenticationTokenException');
    expect(res.headers.get('x-amzn-requestid')).to.be.a('string');
  });

  it('serves the description, events and calls as JSON without auth', async () => {
    const base = sandbox.description.controlPlaneUrl;
    const describe = (await (await fetch(`${base}/_sandbox/describe`)).json()) as unknown;
    expect(describe).to.deep.equal(JSON.parse(JSON.stringify(sandbox.description)));
    const events = (await (await fetch(`${base}/_sandbox/events`)).json()) as unknown;
    expect(events).to.deep.equal(JSON.parse(JSON.stringify(sandbox.events())));
    const callsBefore = sandbox.calls().length;
    const calls = (await (await fetch(`${base}/_sandbox/calls`)).json()) as unknown[];
    expect(calls).to.have.length(callsBefore);
    expect(sandbox.calls()).to.have.length(callsBefore);
    const missing = await fetch(`${base}/_sandbox/nope`);
    expect(missing.status).to.equal(404);
    await missing.body?.cancel();
  });
});
