import { expect } from 'chai';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runCli } from '../../src/cli/cli.ts';
import { readRunRecord } from '../../src/reporters/write-run-directory.ts';
import type { RunRecord } from '../../src/runner/run-record.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { untilChecksPass } from './until-checks-pass.ts';
import { startRecordingServer, type RecordingServer } from '../load/support/recording-server.ts';
import { sandboxEnvironmentInput } from '../support/sandbox-environment-input.ts';
import { captureIo, onlyRunDir, tempDir } from './e2e-kit.ts';

const FAKE_K6 = path.resolve('test/fixtures/k6/fake-k6.mjs');
// Names the redactor does not recognise as secret, so what keeps the values out is not writing them.
const API_KEY_VARIABLE = 'DRDRILL_E2E_API_HEADER';
const ORDERS_VARIABLE = 'DRDRILL_E2E_ORDERS_HEADER';
const API_KEY = 'k-7d41c0e9a35b2f68';
const ORDERS_AUTH = 'Basic b3JkZXJzOjRmMWM5YTc3ZTJjMWQ1';
const BODY = '{"drill":"service-requests"}';

const DRILL = {
  name: 'service-requests',
  service: 'api',
  load: { rate: 10, services: ['api', 'orders'] },
  phases: { baseline: '1s', recovery: '1s', settle: '500ms' },
  faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }],
  assertions: [{ assertion: 'error-budget', phase: 'baseline', maxErrorRate: 100 }],
};

/** Every file under `dir`, gzip files unpacked, as text. */
async function allText(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = await readFile(file);
    out.push({ file, text: (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8') });
  }
  return out;
}

describe('a drill loading two services with their own requests, through the CLI', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let api: RecordingServer;
  let orders: RecordingServer;
  let dir: string;

  before(async () => {
    sandbox = await startSandbox();
    const primary = sandbox.description.regions[0]?.name ?? 'us-east-1';
    api = await startRecordingServer('127.0.0.31', primary);
    orders = await startRecordingServer('127.0.0.32', primary);
    dir = await tempDir('service-requests');
    const base = sandboxEnvironmentInput(sandbox);
    const service = base.services.api;
    if (service === undefined) throw new Error('the sandbox has no api service');
    const environment = {
      ...base,
      name: 'service-requests',
      services: {
        api: {
          ...service,
          url: `${api.url}/prod`,
          request: { method: 'POST', path: '/v1/health', headers: { Host: 'api.example.com', 'x-api-key': { fromEnv: API_KEY_VARIABLE } }, body: BODY },
        },
        orders: { ...service, url: `${orders.url}/`, request: { path: '/orders?limit=1', headers: { authorization: { fromEnv: ORDERS_VARIABLE }, 'x-client': 'drdrill' } } },
      },
    };
    await writeFile(path.join(dir, 'drill.ts'), `import { defineDrill } from ${JSON.stringify(path.resolve('src/drill/define-drill.ts'))};\nexport const drill = defineDrill(${JSON.stringify(DRILL)} as never);\n`);
    await writeFile(path.join(dir, 'env.ts'), `import { defineEnvironment } from ${JSON.stringify(path.resolve('src/drill/environment.ts'))};\nexport const environment = defineEnvironment(${JSON.stringify(environment)} as never);\n`);
  });
  after(async () => {
    await sandbox?.close();
    await api?.close();
    await orders?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function run(load: string, env: Record<string, string | undefined>): Promise<{ code: number; text: string; out: string; state: string }> {
    // The previous run's fault was rolled back, but its health check takes a few intervals to pass again.
    await untilChecksPass(sandbox.description);
    const out = path.join(dir, `out-${load}`);
    const state = path.join(dir, `state-${load}`);
    const saved = { ...process.env };
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    try {
      const io = captureIo();
      const code = await runCli(['run', path.join(dir, 'drill.ts'), '--env', path.join(dir, 'env.ts'), '--load', load, '--out', out, '--state-dir', state], io);
      return { code, text: io.text(), out, state };
    } finally {
      process.env = saved;
    }
  }

  it('an unset credential variable is exit 2 naming the field, before any request or change', async () => {
    api.arrived.length = 0;
    orders.arrived.length = 0;
    const before = sandbox.events().length;
    const result = await run('builtin', { [API_KEY_VARIABLE]: API_KEY, [ORDERS_VARIABLE]: undefined });
    expect(result.code, result.text).to.equal(2);
    expect(result.text).to.include(`services.orders.request.headers.authorization.fromEnv: environment variable ${ORDERS_VARIABLE} is not set`);
    expect(api.arrived.length + orders.arrived.length).to.equal(0);
    expect(sandbox.events().slice(before).filter((event) => event.type === 'function-concurrency')).to.deep.equal([]);
  });

  for (const [load, env] of [
    ['builtin', {}],
    ['k6', { K6_BIN: FAKE_K6 }],
  ] as const) {
    it(`${load}: each service gets its own request, run.json counts what each server saw, and no credential is written anywhere`, async () => {
      api.arrived.length = 0;
      orders.arrived.length = 0;
      const result = await run(load, { ...env, [API_KEY_VARIABLE]: API_KEY, [ORDERS_VARIABLE]: ORDERS_AUTH });
      expect(result.code, result.text).to.equal(0);
      const runDir = await onlyRunDir(result.out, DRILL.name);
      const record: RunRecord = await readRunRecord(runDir);

      expect(api.arrived.length).to.be.greaterThan(20);
      expect(orders.arrived.length).to.be.greaterThan(20);
      for (const request of api.arrived) {
        expect(request).to.deep.include({ method: 'POST', path: '/prod/v1/health', body: BODY });
        expect(request.headers).to.deep.include({ host: 'api.example.com', 'x-api-key': API_KEY });
      }
      for (const request of orders.arrived) {
        expect(request).to.deep.include({ method: 'GET', path: '/orders?limit=1', body: '' });
        expect(request.headers).to.deep.include({ authorization: ORDERS_AUTH, 'x-client': 'drdrill' });
      }
      // Ground truth: the servers' own counts are the per-service counts the reports print, but for
      // a request in flight when the run stopped the load (it reached the server; by the engine's
      // contract it has no sample). These servers answer at once, 100 ms apart: one at most.
      const byService = record.totals.byService ?? {};
      expect(Object.keys(byService)).to.deep.equal(['api', 'orders']);
      for (const [service, server] of [['api', api], ['orders', orders]] as const) {
        const counted = byService[service];
        expect(counted, service).to.deep.include({ errors: 0 });
        expect(record.figures?.find((figure) => figure.name === `${service}:errorRate.run`)?.value, `${service} error rate`).to.equal(0);
        expect(server.arrived.length - (counted?.requests ?? 0), `${service}: arrived at the server − counted in run.json`).to.be.oneOf([0, 1]);
      }
      expect(record.totals.requests).to.equal((byService.api?.requests ?? 0) + (byService.orders?.requests ?? 0));
      expect(Object.keys(record.series.byService ?? {})).to.deep.equal(['api', 'orders']);
      expect(await readFile(path.join(runDir, 'summary.md'), 'utf8')).to.include(`| \`orders\` | ${byService.orders?.requests} | 0 | 0.00% |`);

      const written = [...(await allText(result.out)), ...(await allText(result.state)), { file: 'console', text: result.text }];
      expect(written.length).to.be.greaterThan(6);
      for (const { file, text } of written) {
        expect(text.includes(API_KEY), `${file} holds the api key`).to.equal(false);
        expect(text.includes(ORDERS_AUTH), `${file} holds the orders credential`).to.equal(false);
        expect(text.includes('b3JkZXJzOjRmMWM5YTc3ZTJjMWQ1'), `${file} holds part of the orders credential`).to.equal(false);
      }
    });
  }
});
