import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { join } from 'node:path';
import { createBuiltinEngine } from '../../src/load/builtin-engine.ts';
import { createK6Engine } from '../../src/load/k6-engine.ts';
import type { LoadEngine, LoadPlan } from '../../src/load/load-engine.ts';
import { checkLoadPlan, LoadPlanError } from '../../src/load/load-plan-check.ts';
import type { Sample } from '../../src/load/sample.ts';
import { SANDBOX_TLS_CERT, SANDBOX_TLS_KEY } from '../../src/sandbox/data-plane/sandbox-tls.ts';
import { fakeK6Env } from './support/fake-k6.ts';
import { startRecordingServer, type RecordingServer } from './support/recording-server.ts';

const TOKEN_VARIABLE = 'DRDRILL_TEST_ORDERS_HEADER';
const TOKEN = 'Bearer orders-token-4f1c9a77e2';
const BODY = '{"probe":"failover","n":1}';

describe('requests like real clients send, from both engines', function () {
  this.timeout(20_000);
  let api: RecordingServer;
  let orders: RecordingServer;
  let runDir: string;

  before(async () => {
    api = await startRecordingServer('127.0.0.21', 'eu-central-1');
    orders = await startRecordingServer('127.0.0.22', 'eu-west-1');
  });
  after(async () => {
    await api.close();
    await orders.close();
  });
  beforeEach(() => {
    api.arrived.length = 0;
    orders.arrived.length = 0;
    runDir = mkdtempSync(join(tmpdir(), 'drdrill-requests-'));
  });
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  /** Two services: api a plain GET, orders a POST through another name with a token from the environment. */
  function plan(): LoadPlan {
    return {
      url: `${api.url}/api/health`,
      rate: 20,
      durationMs: 500,
      maxRequests: 100,
      timeoutMs: 1000,
      regionHeader: 'x-drdrill-region',
      target: 'api',
      runDir,
      targets: [
        { name: 'api', url: `${api.url}/api/health` },
        {
          name: 'orders',
          url: `${orders.url}/orders/health?probe=1`,
          request: {
            method: 'POST',
            headers: { Host: 'orders.example.com', authorization: { fromEnv: TOKEN_VARIABLE }, 'x-request-source': 'drdrill-drill' },
            body: BODY,
          },
        },
      ],
    };
  }

  const engines: [string, () => LoadEngine][] = [
    ['builtin', () => createBuiltinEngine({ env: { ...process.env, [TOKEN_VARIABLE]: TOKEN } })],
    ['k6 (stand-in)', () => createK6Engine({ env: fakeK6Env({ [TOKEN_VARIABLE]: TOKEN }) })],
  ];

  for (const [name, engineOf] of engines) {
    it(`${name}: each service receives its own method, Host, headers, body and path, one request per sample`, async () => {
      const samples: Sample[] = [];
      await engineOf().run(plan(), (sample) => samples.push(sample), new AbortController().signal);
      const perTarget = (target: string) => samples.filter((sample) => sample.target === target);
      expect(perTarget('api'), 'samples of api').to.have.length(10);
      expect(perTarget('orders'), 'samples of orders').to.have.length(10);
      expect(api.arrived, 'api server ground truth').to.have.length(10);
      expect(orders.arrived, 'orders server ground truth').to.have.length(10);
      for (const sample of samples) expect(sample.status, JSON.stringify(sample)).to.equal(200);
      expect(perTarget('orders').every((sample) => sample.region === 'eu-west-1')).to.equal(true);

      for (const request of api.arrived) {
        expect(request).to.deep.include({ method: 'GET', path: '/api/health', body: '' });
        expect(request.headers.host).to.equal(`${api.address}:${api.port}`);
        expect(request.headers.authorization).to.equal(undefined);
        expect(request.headers['x-request-source']).to.equal(undefined);
      }
      for (const request of orders.arrived) {
        expect(request).to.deep.include({ method: 'POST', path: '/orders/health?probe=1', body: BODY });
        expect(request.headers).to.deep.include({
          host: 'orders.example.com',
          authorization: TOKEN,
          'x-request-source': 'drdrill-drill',
          'content-length': String(Buffer.byteLength(BODY)),
        });
      }
    });

    it(`${name}: a fromEnv variable that is not set stops the load before any request`, async () => {
      const env = { ...process.env };
      delete env[TOKEN_VARIABLE];
      const engine = name === 'builtin' ? createBuiltinEngine({ env }) : createK6Engine({ env: { ...fakeK6Env(), [TOKEN_VARIABLE]: undefined } });
      const failure = await engine.run(plan(), () => undefined, new AbortController().signal).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(String(failure)).to.match(new RegExp(`header authorization reads environment variable ${TOKEN_VARIABLE}, which is not set`));
      expect(orders.arrived, 'orders got nothing').to.have.length(0);
    });
  }

  it('k6 is given the token by name only: the value is not on its command line', async () => {
    const argsFile = join(runDir, 'argv.json');
    await createK6Engine({ env: fakeK6Env({ [TOKEN_VARIABLE]: TOKEN, FAKE_K6_ARGS_FILE: argsFile }) }).run(plan(), () => undefined, new AbortController().signal);
    const argv = readFileSync(argsFile, 'utf8');
    expect(argv).to.include(TOKEN_VARIABLE);
    expect(argv).not.to.include('orders-token-4f1c9a77e2');
    expect(orders.arrived[0]?.headers.authorization).to.equal(TOKEN);
  });

  it('k6 says when it cannot send a Host header as the TLS server name', async () => {
    const https: LoadPlan = { ...plan(), targets: undefined, url: 'https://127.0.0.24:1/', durationMs: 100, timeoutMs: 200, request: { headers: { Host: 'api.example.com' } } };
    const summary = await createK6Engine({ env: fakeK6Env() }).run(https, () => undefined, new AbortController().signal);
    expect(summary.notes).to.include("k6 sends the URL's host as the TLS server name, not the Host header, for api; the built-in engine sends the Host");
    const plain = await createK6Engine({ env: fakeK6Env() }).run({ ...https, url: 'http://127.0.0.24:1/' }, () => undefined, new AbortController().signal);
    expect((plain.notes ?? []).some((note) => note.includes('TLS server name'))).to.equal(false);
  });

  it('HEAD and OPTIONS are sent as such; the built-in engine sends no body with them', async () => {
    const samples: Sample[] = [];
    const headOnly: LoadPlan = {
      ...plan(),
      targets: [
        { name: 'api', url: `${api.url}/`, request: { method: 'HEAD' } },
        { name: 'orders', url: `${orders.url}/`, request: { method: 'OPTIONS' } },
      ],
    };
    await createBuiltinEngine().run(headOnly, (sample) => samples.push(sample), new AbortController().signal);
    expect(samples.filter((sample) => sample.status === 200)).to.have.length(20);
    expect(new Set(api.arrived.map((request) => request.method))).to.deep.equal(new Set(['HEAD']));
    expect(new Set(orders.arrived.map((request) => request.method))).to.deep.equal(new Set(['OPTIONS']));
    expect(orders.arrived.every((request) => request.body === '')).to.equal(true);
  });

  it('over HTTPS the built-in engine sends the Host header as the TLS server name', async () => {
    // Node's agent takes the server name from the Host header. The handshake names the server before
    // any certificate is checked, so a TLS server sees it though the engine refuses this self-signed one.
    const names: (string | undefined)[] = [];
    const server: TlsServer = createTlsServer({ key: SANDBOX_TLS_KEY, cert: SANDBOX_TLS_CERT, SNICallback: (name, done) => {
      names.push(name);
      done(null);
    } });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.23', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const tlsPlan = (request: NonNullable<LoadPlan['request']>): LoadPlan => ({ ...plan(), targets: undefined, url: `https://127.0.0.23:${port}/`, rate: 10, durationMs: 300, request });
      const samples: Sample[] = [];
      await createBuiltinEngine().run(tlsPlan({ headers: { Host: 'orders.example.com:443' } }), (sample) => samples.push(sample), new AbortController().signal);
      expect(samples).to.have.length(3);
      expect(names).to.deep.equal(['orders.example.com', 'orders.example.com', 'orders.example.com']);
      // An IP literal is no server name (RFC 6066): none is sent.
      names.length = 0;
      await createBuiltinEngine().run(tlsPlan({ headers: { 'x-client': 'drdrill' } }), () => undefined, new AbortController().signal);
      expect(names).to.deep.equal([]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  describe('the plan check refuses a request that cannot be sent as given', () => {
    const refused = (request: NonNullable<LoadPlan['request']>): LoadPlanError => {
      try {
        checkLoadPlan({ ...plan(), targets: undefined, request });
      } catch (error) {
        if (error instanceof LoadPlanError) return error;
        throw error;
      }
      throw new Error('accepted');
    };

    it('a body with GET', () => {
      expect(refused({ method: 'GET', body: 'x' }).message).to.equal('load plan request.body is "x"; expected no body with method GET (a body goes with POST, PUT, PATCH)');
    });

    it('a literal credential, without repeating it', () => {
      const error = refused({ headers: { Authorization: 'Bearer literal-secret-value' } });
      expect(error.field).to.equal('request.headers.Authorization');
      expect(error.message).not.to.include('literal-secret-value');
    });

    it('a header the engine owns, and a value with CR/LF', () => {
      expect(refused({ headers: { Connection: 'keep-alive' } }).field).to.equal('request.headers.Connection');
      expect(refused({ headers: { 'x-a': 'one\r\nx-b: two' } }).field).to.equal('request.headers.x-a');
    });
  });
});
