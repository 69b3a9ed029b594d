import { expect } from 'chai';
import { validateDrill, validateEnvironment } from '../../src/drill/load-drill.ts';
import { drillReferenceProblems } from '../../src/runner/drill-references.ts';
import { validDrill } from './valid-drill.ts';

const environment = validateEnvironment({
  name: 'prod',
  kind: 'aws',
  accountId: '111122223333',
  regions: ['us-east-1', 'us-west-2'],
  dnsResolvers: ['1.1.1.1:53'],
  services: {
    api: { url: 'https://api.example.com/', hostedZoneId: 'Z1', recordName: 'api.example.com', routing: 'weighted', functions: { primary: 'api', secondary: 'api' }, healthChecks: { primary: 'hc-1', secondary: 'hc-2' } },
  },
});

describe('minShares of steady-state and rebalance, against the service’s regions', () => {
  it('accepts roles and region names of the chain, and names the key of one it lacks before anything runs', () => {
    const drill = (minShares: Record<string, number>) =>
      validateDrill({ ...validDrill(), assertions: [{ assertion: 'steady-state', minShares, dnsOnPrimary: false }, { assertion: 'rebalance', minShares, within: '6s' }] });
    expect(drillReferenceProblems(drill({ primary: 40, 'us-west-2': 40 }), environment)).to.deep.equal([]);
    expect(drillReferenceProblems(drill({ primary: 40, tertiary: 40 }), environment)).to.deep.equal([
      'assertions[0].minShares.tertiary: "tertiary" is not a region of service "api" in environment "prod" (it has 2: primary us-east-1, secondary us-west-2)',
      'assertions[1].minShares.tertiary: "tertiary" is not a region of service "api" in environment "prod" (it has 2: primary us-east-1, secondary us-west-2)',
    ]);
  });
});
