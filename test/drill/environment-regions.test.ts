import { expect } from 'chai';
import { environmentSchema } from '../../src/drill/environment.ts';
import { describeRegionRef, regionRefProblem, resolveRegionRef } from '../../src/drill/region-ref.ts';

const CHAIN = ['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-south-1'];

const cascade = (service: Record<string, unknown> = {}) => ({
  name: 'eu',
  kind: 'aws',
  accountId: '123456789012',
  regions: CHAIN,
  dnsResolvers: ['127.0.0.1:53'],
  services: {
    api: {
      url: 'https://api.example.com/health',
      hostedZoneId: 'Z1',
      recordName: 'api.example.com',
      functions: { primary: 'de', secondary: 'irl', tertiary: 'uk', 'eu-south-1': 'it' },
      healthChecks: { 'eu-central-1': 'hc-de', 'eu-west-1': 'hc-irl', 'eu-west-2': 'hc-uk', quaternary: 'hc-it' },
      ...service,
    },
  },
});

function problemsOf(input: unknown): string[] {
  const result = environmentSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('environments with N regions', () => {
  it('keys every per-region value by AWS region name, whether written by role or by name', () => {
    const environment = environmentSchema.parse(cascade());
    const api = environment.services['api'];
    expect(environment.regions).to.deep.equal(CHAIN);
    expect(api?.regions).to.deep.equal(CHAIN);
    expect(api?.routing).to.equal('failover');
    expect(api?.functions).to.deep.equal({ 'eu-central-1': 'de', 'eu-west-1': 'irl', 'eu-west-2': 'uk', 'eu-south-1': 'it' });
    expect(api?.healthChecks['eu-south-1']).to.equal('hc-it');
  });

  it('reads the two-region form as a chain of two', () => {
    const environment = environmentSchema.parse({
      ...cascade({ functions: { primary: 'a', secondary: 'b' }, healthChecks: { primary: 'h1', secondary: 'h2' } }),
      regions: { primary: 'us-east-1', secondary: 'us-west-2' },
    });
    expect(environment.regions).to.deep.equal(['us-east-1', 'us-west-2']);
    expect(environment.services['api']?.functions).to.deep.equal({ 'us-east-1': 'a', 'us-west-2': 'b' });
  });

  it('gives a service its own chain, in its own order, roles read against it', () => {
    const environment = environmentSchema.parse(
      cascade({ regions: ['eu-west-2', 'eu-west-1'], functions: { primary: 'uk', secondary: 'irl' }, healthChecks: { primary: 'h-uk', 'eu-west-1': 'h-irl' } }),
    );
    expect(environment.services['api']?.functions).to.deep.equal({ 'eu-west-2': 'uk', 'eu-west-1': 'irl' });
    expect(resolveRegionRef('secondary', environment.services['api']?.regions ?? [])).to.equal('eu-west-1');
  });

  it('refuses what cannot be a chain, each problem with its field path', () => {
    expect(problemsOf(cascade({ regions: ['eu-west-1', 'eu-west-1'] }))).to.include('services.api.regions.1: "eu-west-1" is listed twice in one chain');
    expect(problemsOf(cascade({ regions: ['eu-west-1', 'us-east-1'] }))).to.include(
      'services.api.regions.1: "us-east-1" is not one of the environment\'s regions (eu-central-1, eu-west-1, eu-west-2, eu-south-1)',
    );
    expect(problemsOf(cascade({ routing: 'latency', regions: ['eu-west-1'], functions: { primary: 'f' }, healthChecks: { primary: 'h' } }))).to.deep.equal([
      'services.api.regions: a latency service needs at least two regions, it has 1 (eu-west-1): there is nowhere to fail over to',
    ]);
    expect(problemsOf({ ...cascade(), regions: ['eu-west-1', 'eu-west-1'] })).to.include('regions.1: "eu-west-1" is listed twice');
    expect(problemsOf(cascade({ functions: { primary: 'de', quinary: 'x' } }))).to.include(
      'services.api.functions.quinary: "quinary" names no region of this service (it has primary eu-central-1, secondary eu-west-1, tertiary eu-west-2, quaternary eu-south-1)',
    );
    expect(problemsOf(cascade({ functions: { primary: 'de', 'eu-central-1': 'de2', secondary: 'a', tertiary: 'b', quaternary: 'c' } }))).to.include(
      'services.api.functions.eu-central-1: "eu-central-1" is eu-central-1, which is already given',
    );
    expect(problemsOf(cascade({ healthChecks: { primary: 'h' } }))).to.include(
      'services.api.healthChecks.eu-west-1: missing: every region of the service needs its health check (eu-west-1 is secondary)',
    );
  });

  it('resolves and explains region references: role, position, AWS name', () => {
    expect(resolveRegionRef('tertiary', CHAIN)).to.equal('eu-west-2');
    expect(resolveRegionRef(4, CHAIN)).to.equal('eu-south-1');
    expect(resolveRegionRef('eu-west-1', CHAIN)).to.equal('eu-west-1');
    expect(resolveRegionRef('quinary', CHAIN)).to.equal(undefined);
    expect(resolveRegionRef(5, CHAIN)).to.equal(undefined);
    expect(regionRefProblem('us-east-1', CHAIN, 'service "api"')).to.equal(
      '"us-east-1" is not a region of service "api" (it has 4: primary eu-central-1, secondary eu-west-1, tertiary eu-west-2, quaternary eu-south-1)',
    );
    expect(describeRegionRef('tertiary', CHAIN)).to.equal('tertiary (eu-west-2)');
    expect(describeRegionRef('eu-west-1', CHAIN)).to.equal('eu-west-1 (secondary)');
  });
});
