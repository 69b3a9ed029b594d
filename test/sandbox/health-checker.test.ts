import { expect } from 'chai';
import { PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { GetHealthCheckStatusCommand, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import {
  FAST_TOPOLOGY,
  PRIMARY_ADDRESS,
  PRIMARY_CHECK,
  PROBE_INTERVAL_MS,
  SECONDARY_ADDRESS,
  SECONDARY_CHECK,
  addressesOf,
  lambdaClient,
  pollUntil,
  route53Client,
  udpQuery,
} from './sandbox-test-kit.ts';

type StatusEvent = Extract<SandboxEvent, { type: 'health-check-status' }>;
type AnswerEvent = Extract<SandboxEvent, { type: 'dns-answer' }>;

function statusEvents(sandbox: Sandbox, id: string): StatusEvent[] {
  return sandbox.events().filter((e): e is StatusEvent => e.type === 'health-check-status' && e.healthCheckId === id);
}

function answerEvents(sandbox: Sandbox): AnswerEvent[] {
  return sandbox.events().filter((e): e is AnswerEvent => e.type === 'dns-answer' && e.name === 'api.drdrill.test');
}

async function throttle(sandbox: Sandbox, region: string): Promise<number> {
  const lambda = lambdaClient(sandbox, region);
  try {
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 0 }));
  } finally {
    lambda.destroy();
  }
  const event = sandbox.events().findLast((e) => e.type === 'function-concurrency' && e.region === region);
  return event?.at ?? Number.NaN;
}

async function updateCheck(sandbox: Sandbox, input: Omit<ConstructorParameters<typeof UpdateHealthCheckCommand>[0], 'HealthCheckId'> & { HealthCheckId: string }): Promise<void> {
  const route53 = route53Client(sandbox);
  try {
    await route53.send(new UpdateHealthCheckCommand(input));
  } finally {
    route53.destroy();
  }
}

const FLIP_LIMIT_MS = 20 * PROBE_INTERVAL_MS;

describe('sandbox health checker', () => {
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('starts healthy and stays healthy while the endpoint answers 200', async () => {
    await new Promise((r) => setTimeout(r, 4 * PROBE_INTERVAL_MS));
    expect(statusEvents(sandbox, PRIMARY_CHECK)).to.have.length(0);
    expect(statusEvents(sandbox, SECONDARY_CHECK)).to.have.length(0);
    expect(answerEvents(sandbox).map((e) => e.addresses)).to.deep.equal([[PRIMARY_ADDRESS]]);
  });

  it('turns unhealthy only after FailureThreshold consecutive failed probes, naming them in the reason', async () => {
    const throttledAt = await throttle(sandbox, 'us-east-1');
    const flip = await pollUntil(async () => statusEvents(sandbox, PRIMARY_CHECK)[0], FLIP_LIMIT_MS);
    expect(flip.healthy).to.equal(false);
    expect(flip.reason).to.match(/^3 consecutive failures: HTTP 500 from /);
    // Three probes about one interval apart (a late timer shortens the next gap, hence 1.5 not 2).
    expect(flip.at - throttledAt).to.be.at.least(1.5 * PROBE_INTERVAL_MS);
    const route53 = route53Client(sandbox);
    try {
      const { HealthCheckObservations } = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: PRIMARY_CHECK }));
      expect(HealthCheckObservations?.[0]?.StatusReport?.Status).to.equal('Failure: HTTP Status Code 500, Internal Server Error');
    } finally {
      route53.destroy();
    }
  });

  it('flips after a single failure once FailureThreshold is lowered to 1', async () => {
    await updateCheck(sandbox, { HealthCheckId: PRIMARY_CHECK, FailureThreshold: 1 });
    const throttledAt = await throttle(sandbox, 'us-east-1');
    const flip = await pollUntil(async () => statusEvents(sandbox, PRIMARY_CHECK)[0], FLIP_LIMIT_MS);
    expect(flip.reason).to.match(/^1 consecutive failures: HTTP 500 from /);
    expect(flip.at - throttledAt).to.be.below(3 * PROBE_INTERVAL_MS + 200);
  });

  it('treats a passing probe as a failure when Inverted, which fails the record over to the secondary', async () => {
    await updateCheck(sandbox, { HealthCheckId: PRIMARY_CHECK, Inverted: true });
    const flip = await pollUntil(async () => statusEvents(sandbox, PRIMARY_CHECK)[0], FLIP_LIMIT_MS);
    expect(flip.healthy).to.equal(false);
    expect(flip.reason).to.match(/^3 consecutive failures \(inverted\): HTTP 200 from /);
    const answer = answerEvents(sandbox).at(-1);
    expect(answer?.addresses).to.deep.equal([SECONDARY_ADDRESS]);
    expect(answer?.at).to.be.at.least(flip.at);
    expect(addressesOf(await udpQuery(sandbox, 'api.drdrill.test'))).to.deep.equal([SECONDARY_ADDRESS]);
  });

  it('reports healthy at once when Disabled, stops probing, and routes back to the primary', async () => {
    await throttle(sandbox, 'us-east-1');
    await pollUntil(async () => statusEvents(sandbox, PRIMARY_CHECK)[0], FLIP_LIMIT_MS);
    expect(addressesOf(await udpQuery(sandbox, 'api.drdrill.test'))).to.deep.equal([SECONDARY_ADDRESS]);

    await updateCheck(sandbox, { HealthCheckId: PRIMARY_CHECK, Disabled: true });
    const [, recovered] = statusEvents(sandbox, PRIMARY_CHECK);
    expect(recovered?.healthy).to.equal(true);
    expect(recovered?.reason).to.contain('disabled');
    expect(addressesOf(await udpQuery(sandbox, 'api.drdrill.test'))).to.deep.equal([PRIMARY_ADDRESS]);

    const route53 = route53Client(sandbox);
    try {
      const checkedTime = async (): Promise<number | undefined> => {
        const { HealthCheckObservations } = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: PRIMARY_CHECK }));
        return HealthCheckObservations?.[0]?.StatusReport?.CheckedTime?.getTime();
      };
      // A probe may have been in flight when the update landed; after that, nothing more.
      await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
      const before = await checkedTime();
      await new Promise((r) => setTimeout(r, 3 * PROBE_INTERVAL_MS));
      expect(await checkedTime()).to.equal(before);
    } finally {
      route53.destroy();
    }
    expect(statusEvents(sandbox, PRIMARY_CHECK)).to.have.length(2);
  });

  it('answers the primary again when both regions are unhealthy', async () => {
    await throttle(sandbox, 'us-east-1');
    await throttle(sandbox, 'us-west-2');
    await pollUntil(async () => (statusEvents(sandbox, SECONDARY_CHECK)[0] && statusEvents(sandbox, PRIMARY_CHECK)[0]) ?? undefined, FLIP_LIMIT_MS);
    const answers = answerEvents(sandbox).filter((e) => e.name === 'api.drdrill.test').map((e) => e.addresses);
    expect(answers.at(-1)).to.deep.equal([PRIMARY_ADDRESS]);
    expect(addressesOf(await udpQuery(sandbox, 'api.drdrill.test'))).to.deep.equal([PRIMARY_ADDRESS]);
  });
});
