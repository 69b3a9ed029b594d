import { expect } from 'chai';
import { DeleteFunctionConcurrencyCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import {
  FAST_TOPOLOGY,
  PRIMARY_ADDRESS,
  PRIMARY_CHECK,
  PROBE_INTERVAL_MS,
  RECORD_NAME,
  SECONDARY_ADDRESS,
  addressesOf,
  framed,
  httpGet,
  lambdaClient,
  queryPacket,
  tcpExchange,
  udpQuery,
} from './sandbox-test-kit.ts';

const POLL_MS = 20;
const MAX_POLL_MS = 5000;
// Timer and scheduling slack on a busy CI machine; large next to a 200 ms probe interval's error bars
// would hide nothing, since the lower bounds below still prove the threshold was honoured.
const SLACK_MS = 300;

interface Measurement {
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly addresses: readonly string[];
}

/** Queries the sandbox DNS every POLL_MS until it answers `wanted` (bounded in time). */
async function pollDnsUntil(sandbox: Sandbox, wanted: string): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const deadline = Date.now() + MAX_POLL_MS;
  while (Date.now() < deadline) {
    const sentAt = Date.now();
    const addresses = addressesOf(await udpQuery(sandbox, RECORD_NAME));
    measurements.push({ sentAt, receivedAt: Date.now(), addresses });
    if (addresses.length === 1 && addresses[0] === wanted) return measurements;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`DNS did not answer ${wanted} within ${MAX_POLL_MS} ms`);
}

function only<T extends SandboxEvent['type']>(sandbox: Sandbox, type: T, since: number): Extract<SandboxEvent, { type: T }>[] {
  return sandbox.events().filter((e): e is Extract<SandboxEvent, { type: T }> => e.type === type && e.at >= since);
}

/** Every measurement agrees with the ground truth: old answer before the switch, new one after. */
function expectConsistentWith(measurements: readonly Measurement[], switchedAt: number, before: string, after: string): void {
  for (const m of measurements) {
    if (m.receivedAt < switchedAt) expect(m.addresses, `reply received before the switch`).to.deep.equal([before]);
    if (m.sentAt > switchedAt) expect(m.addresses, `query sent after the switch`).to.deep.equal([after]);
  }
  const first = measurements.find((m) => m.addresses[0] === after);
  expect(first, 'a query saw the new answer').to.not.equal(undefined);
  expect(first!.receivedAt).to.be.at.least(switchedAt);
  // The first query that sees the new answer comes within one poll after the switch.
  expect(first!.receivedAt - switchedAt).to.be.at.most(POLL_MS + SLACK_MS);
}

describe('sandbox failover, end to end (throttle the primary function, then undo)', () => {
  let sandbox: Sandbox;
  let lambda: LambdaClient;

  before(async () => {
    sandbox = await startSandbox({ topology: FAST_TOPOLOGY });
    lambda = lambdaClient(sandbox, 'us-east-1');
  });
  after(async () => {
    lambda.destroy();
    await sandbox.close();
  });

  it('fails DNS over to the secondary after threshold × interval, exactly when the event log says', async () => {
    expect(addressesOf(await udpQuery(sandbox, RECORD_NAME))).to.deep.equal([PRIMARY_ADDRESS]);
    const start = Date.now();
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-handler', ReservedConcurrentExecutions: 0 }));
    const measurements = await pollDnsUntil(sandbox, SECONDARY_ADDRESS);

    const [throttled] = only(sandbox, 'function-concurrency', start);
    const [unhealthy] = only(sandbox, 'health-check-status', start);
    const [switched] = only(sandbox, 'dns-answer', start);
    expect(throttled).to.include({ region: 'us-east-1', functionName: 'api-handler', reservedConcurrency: 0 });
    expect(unhealthy).to.include({ healthCheckId: PRIMARY_CHECK, healthy: false });
    expect(unhealthy?.reason).to.match(/^3 consecutive failures: HTTP 500 from [a-z0-9-]+ \(1 of 8 checkers healthy\)$/);
    expect(switched).to.deep.include({ name: RECORD_NAME, addresses: [SECONDARY_ADDRESS] });

    const detection = unhealthy!.at - throttled!.at;
    expect(detection).to.be.at.least(1.5 * PROBE_INTERVAL_MS);
    expect(detection).to.be.at.most(3 * PROBE_INTERVAL_MS + SLACK_MS);
    expect(switched!.at - unhealthy!.at).to.be.within(0, 5);
    expectConsistentWith(measurements, switched!.at, PRIMARY_ADDRESS, SECONDARY_ADDRESS);

    // TCP sees the same answer, and clients of the primary region see the throttle.
    const [overTcp] = await tcpExchange(sandbox, [framed(queryPacket(RECORD_NAME, 'A'))], 1);
    expect(addressesOf(overTcp!)).to.deep.equal([SECONDARY_ADDRESS]);
    const primary = await httpGet(`${sandbox.description.regions[0]?.url}/`, RECORD_NAME);
    expect(primary.status).to.equal(500);
    const secondary = await httpGet(`${sandbox.description.regions[1]?.url}/`, RECORD_NAME);
    expect(secondary.status).to.equal(200);
  });

  it('fails back to the primary after threshold × interval once the reservation is deleted', async () => {
    const start = Date.now();
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'api-handler' }));
    const measurements = await pollDnsUntil(sandbox, PRIMARY_ADDRESS);

    const [restored] = only(sandbox, 'function-concurrency', start);
    const [healthy] = only(sandbox, 'health-check-status', start);
    const [switched] = only(sandbox, 'dns-answer', start);
    expect(restored).to.include({ reservedConcurrency: null });
    expect(healthy).to.include({ healthCheckId: PRIMARY_CHECK, healthy: true });
    expect(healthy?.reason).to.match(/^3 consecutive successes: HTTP 200 from [a-z0-9-]+ \(2 of 8 checkers healthy\)$/);
    expect(switched).to.deep.include({ name: RECORD_NAME, addresses: [PRIMARY_ADDRESS] });

    const recovery = healthy!.at - restored!.at;
    expect(recovery).to.be.at.least(1.5 * PROBE_INTERVAL_MS);
    expect(recovery).to.be.at.most(3 * PROBE_INTERVAL_MS + SLACK_MS);
    expect(switched!.at - healthy!.at).to.be.within(0, 5);
    expectConsistentWith(measurements, switched!.at, SECONDARY_ADDRESS, PRIMARY_ADDRESS);

    const answers = sandbox.events().filter((e) => e.type === 'dns-answer' && e.name === RECORD_NAME);
    expect(answers.map((e) => (e.type === 'dns-answer' ? e.addresses[0] : ''))).to.deep.equal([
      PRIMARY_ADDRESS,
      SECONDARY_ADDRESS,
      PRIMARY_ADDRESS,
    ]);
  });
});
