import { expect } from 'chai';
import type { EnvironmentInput } from '../../src/drill/environment.ts';
import { InvalidInputError } from '../../src/drill/invalid-input-error.ts';
import { validateDrill, validateEnvironment } from '../../src/drill/load-drill.ts';
import { buildLoadPlan } from '../../src/runner/load-plan.ts';
import { drillReferenceProblems } from '../../src/runner/drill-references.ts';
import { validDrill } from './valid-drill.ts';

function environmentWith(edgeUrl: string | undefined): EnvironmentInput {
  const service = {
    url: 'https://api.example.com/health',
    hostedZoneId: 'Z123',
    recordName: 'origin.example.com',
    functions: { primary: 'api', secondary: 'api' },
    healthChecks: { primary: 'hc-1', secondary: 'hc-2' },
  };
  return {
    name: 'prod',
    kind: 'aws',
    accountId: '111122223333',
    regions: { primary: 'us-east-1', secondary: 'us-east-2' },
    dnsResolvers: ['1.1.1.1:53'],
    services: { api: edgeUrl === undefined ? service : { ...service, edgeUrl } },
  };
}

const viaEdge = (load: Record<string, unknown> = {}): Record<string, unknown> => ({ ...validDrill(), load: { rate: 20, via: 'edge', ...load } });

describe('load.via: clients through the edge or through DNS', () => {
  it('sends the load to the service’s edgeUrl, with the drill’s path, when via is "edge"', () => {
    const environment = validateEnvironment(environmentWith('https://d111111abcdef8.cloudfront.net/'));
    const plan = buildLoadPlan(validateDrill(viaEdge({ path: '/health' })), environment, undefined);
    expect(plan.url).to.equal('https://d111111abcdef8.cloudfront.net/health');
    expect(drillReferenceProblems(validateDrill(viaEdge()), environment)).to.deep.equal([]);
  });

  it('keeps the service’s url by default', () => {
    const environment = validateEnvironment(environmentWith('https://d111111abcdef8.cloudfront.net/'));
    const drill = validateDrill(validDrill());
    expect(drill.load.via).to.equal('dns');
    expect(buildLoadPlan(drill, environment, undefined).url).to.equal('https://api.example.com/health');
  });

  it('refuses via "edge" on a service without an edgeUrl, naming the field to set, before anything runs', () => {
    const problems = drillReferenceProblems(validateDrill(viaEdge()), validateEnvironment(environmentWith(undefined)));
    expect(problems).to.deep.equal([
      'load.via: "edge" but service "api" in environment "prod" has no edgeUrl (set services.api.edgeUrl to the CloudFront distribution\'s URL, or load via "dns")',
    ]);
  });

  it('refuses a via that is neither, naming the field and the choices', () => {
    try {
      validateDrill(viaEdge({ via: 'cloudfront' }), 'x.drill.ts');
      expect.fail('validated');
    } catch (error) {
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as InvalidInputError).problems).to.deep.equal(['load.via: expected "dns" (the service\'s url) or "edge" (its edgeUrl)']);
    }
  });
});
