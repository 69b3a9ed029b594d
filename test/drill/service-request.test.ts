import { expect } from 'chai';
import type { EnvironmentInput } from '../../src/drill/environment.ts';
import { InvalidInputError } from '../../src/drill/invalid-input-error.ts';
import { validateDrill, validateEnvironment } from '../../src/drill/load-drill.ts';
import { serviceLoadTarget } from '../../src/load/service-load-target.ts';
import { drillReferenceProblems } from '../../src/runner/drill-references.ts';
import { validDrill } from './valid-drill.ts';

function environmentWith(request: unknown): EnvironmentInput {
  const service = {
    url: 'https://abc123.execute-api.eu-central-1.amazonaws.com/prod',
    hostedZoneId: 'Z123',
    recordName: 'api.example.com',
    functions: { primary: 'api-de', secondary: 'api-ie' },
    healthChecks: { primary: 'hc-de', secondary: 'hc-ie' },
  };
  return {
    name: 'prod',
    kind: 'aws',
    accountId: '111122223333',
    regions: { primary: 'eu-central-1', secondary: 'eu-west-1' },
    dnsResolvers: ['1.1.1.1:53'],
    services: { api: { ...service, request } as never, orders: service },
  };
}

function problemsOf(request: unknown): readonly string[] {
  try {
    validateEnvironment(environmentWith(request), 'env.ts');
  } catch (error) {
    if (error instanceof InvalidInputError) return error.problems;
    throw error;
  }
  return [];
}

describe('an environment service’s request block', () => {
  it('accepts method, headers (Host, a token from the environment), body and path, GET by default', () => {
    const environment = validateEnvironment(
      environmentWith({ method: 'POST', path: '/orders/health?probe=1', headers: { Host: 'api.example.com', authorization: { fromEnv: 'API_TOKEN' } }, body: '{}' }),
    );
    expect(environment.services.api?.request).to.deep.equal({
      method: 'POST',
      path: '/orders/health?probe=1',
      headers: { Host: 'api.example.com', authorization: { fromEnv: 'API_TOKEN' } },
      body: '{}',
    });
    expect(validateEnvironment(environmentWith({ path: '/health' })).services.api?.request?.method).to.equal('GET');
  });

  it('names the field, the value and what was expected for each bad part', () => {
    expect(problemsOf({ method: 'FETCH' })).to.deep.equal(['services.api.request.method: expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"']);
    expect(problemsOf({ body: 'x' })).to.deep.equal(['services.api.request.body: expected no body with method GET (a body goes with POST, PUT, PATCH), got "x"']);
    expect(problemsOf({ method: 'PUT', path: 'orders' })).to.deep.equal(['services.api.request.path: expected a path starting with "/"']);
    expect(problemsOf({ headers: { 'bad header': 'x' } })).to.deep.equal(['services.api.request.headers.bad header: expected an HTTP header name such as "x-request-id", got "bad header"']);
    expect(problemsOf({ headers: { 'x-a': 'one\r\nx-b: two' } })[0]).to.match(/^services\.api\.request\.headers\.x-a: expected a header value without control characters/);
    expect(problemsOf({ headers: { 'Content-Length': '3' } })[0]).to.match(/^services\.api\.request\.headers\.Content-Length: expected a header the load engine does not set itself/);
    expect(problemsOf({ headers: { 'x-a': 'one', 'X-A': 'two' } })).to.deep.equal(['services.api.request.headers.X-A: expected one spelling per header (also given as "x-a"), got "X-A"']);
    expect(problemsOf({ headers: { 'x-a': { fromEnv: '1BAD' } } })[0]).to.match(/^services\.api\.request\.headers\.x-a: expected a string, or \{ fromEnv: "VARIABLE_NAME" \}/);
    expect(problemsOf({ headers: { 'x-a': 42 } })).to.deep.equal(['services.api.request.headers.x-a: expected a string, or { fromEnv: "VARIABLE_NAME" } naming an environment variable, got 42']);
    expect(problemsOf({ verb: 'GET' })).to.deep.equal(['services.api.request: unknown field "verb"']);
  });

  it('refuses a credential written as a literal, without repeating it in the message', () => {
    for (const header of ['authorization', 'Cookie', 'x-api-key', 'X-Auth-Token']) {
      const problems = problemsOf({ headers: { [header]: 'Bearer committed-secret-123' } });
      expect(problems, header).to.deep.equal([
        `services.api.request.headers.${header}: expected { fromEnv: "VARIABLE" }: a credential header is read from an environment variable, never written in a file, got a literal value`,
      ]);
    }
  });

  it('is bad input before anything runs when a fromEnv variable is not set, naming the field and the variable', () => {
    const variable = 'DRDRILL_TEST_UNSET_VARIABLE_9F2';
    delete process.env[variable];
    const environment = validateEnvironment(environmentWith({ headers: { authorization: { fromEnv: variable } } }));
    const drill = validateDrill(validDrill());
    expect(drillReferenceProblems(drill, environment)).to.deep.equal([
      `environment "prod" services.api.request.headers.authorization.fromEnv: environment variable ${variable} is not set (expected it to hold the header's value)`,
    ]);
    // A service the drill does not load is not asked for its variables.
    expect(drillReferenceProblems(validateDrill({ ...validDrill(), service: 'orders', faults: [{ injector: 'lambda-throttle', target: { region: 'primary', service: 'orders' } }] }), environment)).to.deep.equal([]);
    process.env[variable] = 'set';
    try {
      expect(drillReferenceProblems(drill, environment)).to.deep.equal([]);
    } finally {
      delete process.env[variable];
    }
  });

  it('gives the load its path (the drill’s load.path wins) and what each request sends', () => {
    const service = validateEnvironment(environmentWith({ method: 'POST', path: '/orders?probe=1', body: '{}' })).services.api;
    if (service === undefined) throw new Error('no service');
    expect(serviceLoadTarget(service, undefined)).to.deep.equal({
      url: 'https://abc123.execute-api.eu-central-1.amazonaws.com/prod/orders?probe=1',
      regionHeader: 'x-drdrill-region',
      request: { method: 'POST', body: '{}' },
    });
    expect(serviceLoadTarget(service, '/health').url).to.equal('https://abc123.execute-api.eu-central-1.amazonaws.com/prod/health');
    const plain = validateEnvironment(environmentWith({ path: '/health' })).services.api;
    if (plain === undefined) throw new Error('no service');
    expect(serviceLoadTarget(plain, undefined)).to.deep.equal({ url: 'https://abc123.execute-api.eu-central-1.amazonaws.com/prod/health', regionHeader: 'x-drdrill-region' });
  });
});
