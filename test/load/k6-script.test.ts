import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import ts from 'typescript';
import { DEFAULT_K6_SCRIPT } from '../../src/load/k6-engine.ts';

interface Added {
  value: number;
  tags: Record<string, string>;
}

interface ScriptExports {
  options: {
    scenarios: Record<string, Record<string, unknown>>;
    thresholds: Record<string, string[]>;
    dns: Record<string, string>;
    noConnectionReuse: boolean;
    noVUConnectionReuse: boolean;
  };
  default: () => void;
  handleSummary: (data: object) => Record<string, string>;
}

/**
 * Evaluates k6/drill-load.ts the way k6 would (types stripped) with stand-ins for k6/http and
 * k6/metrics, so the options it builds and the point it adds per request can be checked here.
 */
function loadScript(env: Record<string, string>, response: Record<string, unknown> = {}) {
  const source = readFileSync(DEFAULT_K6_SCRIPT, 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const added: Added[] = [];
  const requests: { method: string; url: string; body: string | null; params: Record<string, unknown> }[] = [];
  const modules: Record<string, unknown> = {
    'k6/http': {
      default: {
        request: (method: string, url: string, body: string | null, params: Record<string, unknown>) => {
          requests.push({ method, url, body, params });
          return { status: 200, headers: { 'X-Drdrill-Region': 'us-east-1' }, remote_ip: '127.0.0.2', error_code: 0, ...response };
        },
      },
    },
    'k6/metrics': {
      Trend: class {
        constructor(readonly name: string) {}
        add(value: number, tags: Record<string, string>) {
          added.push({ value, tags });
        }
      },
    },
  };
  const module = { exports: {} as ScriptExports };
  runInNewContext(js, { module, exports: module.exports, require: (name: string) => modules[name], __ENV: env, Date, JSON, Math, Number, Object, String, Error });
  return { script: module.exports, added, requests };
}

const TARGETS = JSON.stringify([
  { name: 'api', url: 'http://api.drdrill.test:8080/', rate: 50 },
  { name: 'orders', url: 'http://orders.drdrill.test:8080/', rate: 12.5, ramp: [{ target: 100, durationMs: 30_000 }] },
]);

describe('k6/drill-load.ts (evaluated with stand-in k6 modules)', () => {
  it('builds one open-model scenario per target, never caches DNS and does not reuse connections', () => {
    const { script } = loadScript({ DRDRILL_TARGETS: TARGETS, DRDRILL_DURATION_MS: '60000', DRDRILL_TIMEOUT_MS: '2000', DRDRILL_THRESHOLDS: '{"http_req_failed":["rate<0.05"]}' });
    const { options } = script;
    expect(options.dns).to.include({ ttl: '0' });
    expect(options).to.include({ noConnectionReuse: true, noVUConnectionReuse: true });
    expect(options.thresholds).to.deep.equal({ http_req_failed: ['rate<0.05'] });
    expect(options.scenarios.target_0).to.deep.include({
      executor: 'constant-arrival-rate',
      rate: 50,
      timeUnit: '1s',
      duration: '60000ms',
      maxVUs: 150,
      env: { DRDRILL_TARGET: 'api', DRDRILL_URL: 'http://api.drdrill.test:8080/' },
    });
    expect(options.scenarios.target_1).to.deep.include({
      executor: 'ramping-arrival-rate',
      startRate: 12500,
      timeUnit: '1000s',
      stages: [{ target: 100_000, duration: '30000ms' }],
    });
  });

  it('reuses connections only when the drill asks for keep-alive', () => {
    const { script } = loadScript({ DRDRILL_TARGETS: TARGETS, DRDRILL_KEEP_ALIVE: 'true' });
    expect(script.options).to.include({ noConnectionReuse: false, noVUConnectionReuse: false });
  });

  it('adds exactly one drdrill_request point per request, tagged with status, region, address and target', () => {
    const env = { DRDRILL_TARGETS: TARGETS, DRDRILL_TIMEOUT_MS: '1500', DRDRILL_TARGET: 'api', DRDRILL_URL: 'http://api.drdrill.test:8080/' };
    const ok = loadScript(env);
    ok.script.default();
    expect(ok.requests).to.deep.equal([{ method: 'GET', url: 'http://api.drdrill.test:8080/', body: null, params: { timeout: 1500, tags: { name: 'api' }, headers: {} } }]);
    expect(ok.added).to.have.length(1);
    expect(ok.added[0]?.tags).to.deep.equal({ target: 'api', status: '200', region: 'us-east-1', address: '127.0.0.2' });

    const failed = loadScript(env, { status: 0, headers: {}, remote_ip: '', error_code: 1212 });
    failed.script.default();
    expect(failed.added[0]?.tags).to.deep.equal({ target: 'api', status: '0', error_code: '1212' });
  });

  it("sends each target's method, headers and body, reading a fromEnv header from k6's environment", () => {
    const targets = JSON.stringify([
      { name: 'api', url: 'http://127.0.0.5:8080/', rate: 5 },
      {
        name: 'orders',
        url: 'http://127.0.0.6:8080/orders',
        rate: 5,
        request: { method: 'POST', headers: { host: 'orders.example.com', authorization: { fromEnv: 'ORDERS_TOKEN' } }, body: '{"probe":true}' },
      },
    ]);
    const env = { DRDRILL_TARGETS: targets, DRDRILL_TIMEOUT_MS: '1000', ORDERS_TOKEN: 'Bearer k6-sees-this' };
    const orders = loadScript({ ...env, DRDRILL_TARGET: 'orders', DRDRILL_URL: 'http://127.0.0.6:8080/orders' });
    orders.script.default();
    expect(orders.requests).to.deep.equal([
      {
        method: 'POST',
        url: 'http://127.0.0.6:8080/orders',
        body: '{"probe":true}',
        params: { timeout: 1000, tags: { name: 'orders' }, headers: { Host: 'orders.example.com', authorization: 'Bearer k6-sees-this' } },
      },
    ]);
    const api = loadScript({ ...env, DRDRILL_TARGET: 'api', DRDRILL_URL: 'http://127.0.0.5:8080/' });
    api.script.default();
    expect(api.requests[0]).to.deep.include({ method: 'GET', body: null });
    expect(() => loadScript({ DRDRILL_TARGETS: targets })).to.throw(/target orders: header authorization reads environment variable ORDERS_TOKEN, which is not set/);
  });

  it('writes the summary to DRDRILL_SUMMARY and nothing to stdout, which carries the NDJSON', () => {
    const { script } = loadScript({ DRDRILL_TARGETS: TARGETS, DRDRILL_SUMMARY: '/tmp/run/k6-summary.json' });
    expect(script.handleSummary({ metrics: {} })).to.deep.equal({ '/tmp/run/k6-summary.json': '{"metrics":{}}' });
  });

  it('refuses to run without targets, saying what DRDRILL_TARGETS should hold', () => {
    expect(() => loadScript({})).to.throw(/DRDRILL_TARGETS is empty/);
  });
});
