import { expect } from 'chai';
import { request } from 'node:http';
import { AwsClients } from '../../src/aws/aws-clients.ts';
import type { Environment } from '../../src/drill/environment.ts';
import type { FaultHandle, InjectorDeps } from '../../src/injectors/injector.ts';
import { injectorFor, type FaultSpec } from '../../src/injectors/injector-registry.ts';
import { deriveIamPolicy } from '../../src/iam/derive-iam-policy.ts';
import { validateDrill } from '../../src/drill/load-drill.ts';
import { sandboxEnvironment } from '../../src/sandbox/sandbox-environment.ts';
import type { Sandbox, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { DEFAULT_TOPOLOGY } from '../../src/sandbox/topology/topology.ts';
import { observeSandbox, snapshotSandbox } from './sandbox-snapshot.ts';

const PRIMARY = '127.0.0.2';
/** Bound on waiting for any one fault to show (the slowest, the SSM flag cache, takes 60 × 0.1 s). */
const OBSERVE_TIMEOUT_MS = 15_000;
const POLL_MS = 50;

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One request to a region's endpoint with a chosen Host, as a client of that region would send it. */
function ask(address: string, port: number, host: string, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path: '/health', headers: { host, connection: 'close' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${address} (${host}) within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls until `check` holds; returns how long that took. Bounded in time and count. */
async function timeUntil(check: () => Promise<boolean> | boolean): Promise<number> {
  const started = Date.now();
  for (let i = 0; i < OBSERVE_TIMEOUT_MS / POLL_MS; i++) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`not observed within ${OBSERVE_TIMEOUT_MS} ms`);
}

/** IAM resource matching: `*` matches any run of characters. */
function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

/** Measured numbers for the report (printed when DRDRILL_MEASURE=1). */
const measurements: string[] = [];

describe('every injector against the sandbox: the fault is observable, and rollback restores the full state', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let environment: Environment;
  let deps: InjectorDeps;
  let port: number;
  /** Every call the injectors made, with the IAM action and resource it needs. */
  const calls: { action: string; resource: string }[] = [];

  // A fresh sandbox for every fault: a fault's tail (a health probe still waiting out the
  // integration timeout after rollback) must not show up in the next fault's evidence.
  beforeEach(async () => {
    sandbox = await startSandbox({ topology: DEFAULT_TOPOLOGY });
    environment = sandboxEnvironment(sandbox.description);
    deps = { environment, clients: AwsClients.forEnvironment(environment), defaultService: 'api', onCall: (permission) => calls.push(permission) };
    port = sandbox.description.httpPort;
  });
  afterEach(async () => {
    deps.clients.destroy();
    await sandbox.close();
  });
  after(() => {
    if (process.env['DRDRILL_MEASURE'] === '1') for (const line of measurements) console.log(`      ${line}`);
  });

  const mutatingCalls = (): number => sandbox.calls().filter((c) => c.mutating).length;
  const events = <T extends SandboxEvent['type']>(type: T, after: number): Extract<SandboxEvent, { type: T }>[] =>
    sandbox.events().filter((e): e is Extract<SandboxEvent, { type: T }> => e.type === type && e.at >= after);

  /** DNS answers for `name` after `after` that differ from the answer the name had just before. */
  const answerChanges = (name: string, after: number): string[] => {
    const changes: string[] = [];
    let previous: string | undefined;
    for (const event of sandbox.events()) {
      if (event.type !== 'dns-answer' || event.name !== name) continue;
      const answer = event.addresses.join();
      if (event.at >= after && previous !== undefined && answer !== previous) changes.push(`${name}: ${previous} → ${answer}`);
      previous = answer;
    }
    return changes;
  };

  /**
   * The whole contract for one fault: snapshot, inject (journal first), verify, observe, roll
   * back, snapshot again (equal field by field), then roll back a second time: no mutating call.
   */
  async function roundTrip(spec: FaultSpec, observe: () => Promise<boolean> | boolean): Promise<{ handle: FaultHandle; detail: string | undefined; rolledBackAt: number }> {
    const injector = injectorFor(spec.injector);
    // Snapshots read through the same clients; only the injector's own calls count for IAM.
    const before = await snapshotSandbox({ ...deps, onCall: () => {} });
    calls.length = 0;
    const seenBefore = await observeSandbox(environment, port);
    let journaledAt = 0;
    let mutatingAtJournal = -1;
    let journaled = '';
    const injectedAt = Date.now();
    const { handle } = await injector.inject(spec, deps, async (written) => {
      journaledAt = Date.now();
      mutatingAtJournal = mutatingCalls();
      journaled = JSON.stringify(written);
    });
    expect(journaledAt, 'journal written').to.be.greaterThan(0);
    expect(mutatingAtJournal, 'no mutating call before the journal entry').to.equal(sandbox.calls().filter((c) => c.mutating && c.at < journaledAt).length);
    await injector.verify(handle, deps, AbortSignal.timeout(OBSERVE_TIMEOUT_MS));
    const verifiedMs = Date.now() - injectedAt;
    const observedMs = (await timeUntil(observe)) + verifiedMs;

    const rolledBackAt = Date.now();
    // As `drdrill recover` would: the handle as written to the journal, with fresh clients. FIS
    // handles learn their experiment id only after the journal entry (see fis-run.ts), and the
    // sandbox cannot list experiments to find it by tag, so they roll back from the live handle.
    const fromJournal = spec.injector === 'fis-experiment' || (spec.injector === 'lambda-500' && spec.mode === 'fis') ? handle : (JSON.parse(journaled) as FaultHandle);
    const freshClients = AwsClients.forEnvironment(environment);
    const rollback = await injector.rollback(fromJournal, { ...deps, clients: freshClients }).finally(() => freshClients.destroy());
    const after = await snapshotSandbox({ ...deps, onCall: () => {} });
    const compared = Object.keys(before).length;
    for (const key of Object.keys(before)) expect(after[key], key).to.deep.equal(before[key]);
    expect(after).to.deep.equal(before);
    // Clients see the restore later than the control plane does (flag caches, FIS ramp-down, health
    // checks); waiting for it here also keeps one test's aftermath out of the next.
    let seenAfter: Record<string, string> = {};
    const restoredMs = await timeUntil(async () => {
      seenAfter = await observeSandbox(environment, port);
      return JSON.stringify(seenAfter) === JSON.stringify(seenBefore);
    }).catch(() => {
      expect(seenAfter, 'what clients see after rollback').to.deep.equal(seenBefore);
      return -1;
    });

    const mutatingBefore = mutatingCalls();
    await injector.rollback(handle, deps);
    expect(mutatingCalls(), 'a second rollback changes nothing').to.equal(mutatingBefore);
    expectCoveredByPolicy(spec, calls);
    measurements.push(
      `${injector.describe(handle)}: verified ${verifiedMs} ms, observed ${observedMs} ms after inject; ${compared} state fields equal after rollback; ` +
        `clients saw the pre-fault behaviour (${Object.keys(seenBefore).length} observations) again ${restoredMs} ms after rollback`,
    );
    return { handle, detail: rollback.detail, rolledBackAt };
  }

  /** Every call made (plan aside: inject, verify, both rollbacks) is allowed by `drdrill iam-policy` for a drill with this fault. */
  function expectCoveredByPolicy(spec: FaultSpec, made: readonly { action: string; resource: string }[]): void {
    const drill = validateDrill({
      name: 'iam-check',
      service: 'api',
      load: { rate: 1 },
      phases: { baseline: '1s', recovery: '1s', settle: '1s' },
      faults: [spec],
      assertions: [{ assertion: 'error-budget', maxErrorRate: 0 }],
    });
    const policy = deriveIamPolicy(drill, environment);
    const allowed = (action: string, resource: string): boolean =>
      policy.Statement.some((s) => s.Action.includes(action) && s.Resource.some((pattern) => globMatches(pattern, resource)));
    const denied = made.filter((call) => !allowed(call.action, call.resource));
    expect(made.length, 'calls recorded').to.be.greaterThan(0);
    expect(denied, 'calls the derived IAM policy would deny').to.deep.equal([]);
  }

  it('lambda-throttle: the function answers 500, and its reservation is restored', async () => {
    await roundTrip({ injector: 'lambda-throttle', target: { region: 'primary' } }, async () => (await ask(PRIMARY, port, 'api.drdrill.test')).status === 500);
  });

  it('lambda-500 throttle on two services: both answer 500, and both reservations are restored', async () => {
    await roundTrip({ injector: 'lambda-500', mode: 'throttle', target: { region: 'primary', services: ['api', 'service1'] } }, async () => {
      const answers = await Promise.all([ask(PRIMARY, port, 'api.drdrill.test'), ask(PRIMARY, port, 'service1.drdrill.test')]);
      return answers.every((a) => a.status === 500);
    });
  });

  it('lambda-500 ssm-flag: the function answers the flag status once its cache expires, and the flag is restored', async () => {
    await roundTrip({ injector: 'lambda-500', mode: 'ssm-flag', statusCode: 503, rate: 1, target: { region: 'primary' } }, async () => (await ask(PRIMARY, port, 'api.drdrill.test')).status === 503);
  });

  it('lambda-500 fis: the FIS action makes the function answer 500, and stopping it restores it', async () => {
    const { detail } = await roundTrip({ injector: 'lambda-500', mode: 'fis', target: { region: 'primary' } }, async () => (await ask(PRIMARY, port, 'api.drdrill.test')).status === 500);
    expect(detail).to.match(/^experiment \S+ stopped$/);
  });

  it('health-check-invert: Route 53 marks the healthy primary unhealthy and DNS fails over', async () => {
    const from = Date.now();
    await roundTrip({ injector: 'health-check-invert', target: { region: 'primary' } }, () =>
      events('dns-answer', from).some((e) => e.name === 'api.drdrill.test' && e.addresses.join() === '127.0.0.3'),
    );
  });

  it('health-check-disable: the check is disabled but stays healthy, so DNS keeps answering the primary', async () => {
    const from = Date.now();
    const primaryCheck = environment.services['api']?.healthChecks['us-east-1'];
    const { rolledBackAt } = await roundTrip({ injector: 'health-check-disable', target: { region: 'primary' } }, async () => {
      // Hold the fault over several check intervals (1 s each) to show that nothing fails over.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      return events('health-check-config', from).some((e) => e.healthCheckId === primaryCheck && e.disabled);
    });
    const whileDisabled = events('health-check-status', from).filter((e) => e.at < rolledBackAt && e.healthCheckId === primaryCheck && !e.healthy);
    expect(whileDisabled).to.deep.equal([]);
    expect(answerChanges('api.drdrill.test', from), 'DNS never left the primary').to.deep.equal([]);
    expect(rolledBackAt).to.be.greaterThan(from);
  });

  it('api-mapping-detach: the custom domain answers 403 while execute-api still works; the mapping comes back with a new id', async () => {
    const executeApiHost = sandbox.description.resources.services.find((s) => s.name === 'service2')?.deployments.find((d) => d.role === 'primary')?.executeApiHost ?? '';
    const { detail } = await roundTrip({ injector: 'api-mapping-detach', target: { region: 'primary', service: 'service2' } }, async () => {
      const custom = await ask(PRIMARY, port, 'service2.drdrill.test');
      const direct = await ask(PRIMARY, port, executeApiHost);
      return custom.status === 403 && custom.body === '{"message":"Forbidden"}' && direct.status === 200;
    });
    expect(detail).to.match(/^api mapping \S+ re-created as \S+$/);
    const [, oldId, newId] = /api mapping (\S+) re-created as (\S+)/.exec(detail ?? '') ?? [];
    expect(newId).to.not.equal(oldId);
  });

  it('sg-ingress-revoke: the backend stops answering until the integration timeout, then 503; the rule comes back identical', async () => {
    let waitedMs = 0;
    const { detail } = await roundTrip({ injector: 'sg-ingress-revoke', target: { region: 'primary', service: 'service2' }, rules: { protocol: 'tcp', port: 443 } }, async () => {
      const started = Date.now();
      const answer = await ask(PRIMARY, port, 'service2.drdrill.test');
      waitedMs = Date.now() - started;
      return answer.status === 503;
    });
    // HTTP API integration timeout 30 s × time scale 0.1.
    expect(waitedMs).to.be.at.least(2_900);
    measurements.push(`sg-ingress-revoke: a request took ${waitedMs} ms before its 503`);
    expect(detail).to.match(/^security group rule \S+ re-created as \S+$/);
  });

  it('fis-experiment: a named template runs until stopped', async () => {
    await roundTrip({ injector: 'fis-experiment', templates: ['api-primary-500'] }, async () => (await ask(PRIMARY, port, 'api.drdrill.test')).status === 500);
  });

  it('routing-control: turning off service1 in the primary moves only service1', async () => {
    const from = Date.now();
    await roundTrip({ injector: 'routing-control', target: { region: 'primary', service: 'service1' }, state: 'Off' }, () =>
      events('dns-answer', from).some((e) => e.name === 'service1.drdrill.test' && e.addresses.join() === '127.0.0.3'),
    );
    const others = [...answerChanges('service2.drdrill.test', from), ...answerChanges('api.drdrill.test', from)];
    expect(others, 'no other service changed its answer').to.deep.equal([]);
  });
});
