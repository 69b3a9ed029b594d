import { expect } from 'chai';
import { buildHostedZone } from '../../src/sandbox/dns/hosted-zone.ts';
import { InvalidTopologyError, resolveTopology } from '../../src/sandbox/topology/resolve-topology.ts';
import { DEFAULT_TOPOLOGY } from '../../src/sandbox/topology/topology.ts';
import type { SandboxService, SandboxTopology } from '../../src/sandbox/topology/topology.ts';

const api = DEFAULT_TOPOLOGY.services[0];
const withApi = (service: SandboxService): SandboxTopology => ({ ...DEFAULT_TOPOLOGY, services: [service] });
const problem = (topology: SandboxTopology): string => {
  try {
    resolveTopology(topology);
  } catch (error) {
    if (error instanceof InvalidTopologyError) return error.message;
    throw error;
  }
  throw new Error('expected the topology to be refused');
};

describe('resolveTopology: regions per service', () => {
  it('reads primaryRegion/secondaryRegion as a chain of two, writing the same records as regions: [primary, secondary]', () => {
    const { primaryRegion, secondaryRegion, ...rest } = api;
    const shorthand = resolveTopology(withApi(api));
    const spelled = resolveTopology(withApi({ ...rest, regions: [primaryRegion, secondaryRegion] }));
    expect(shorthand.services[0]?.regions).to.deep.equal(['us-east-1', 'us-west-2']);
    expect(buildHostedZone(spelled, '127.0.0.1').records).to.deep.equal(buildHostedZone(shorthand, '127.0.0.1').records);
    const pair = buildHostedZone(shorthand, '127.0.0.1').records.filter((r) => r.name === 'api.drdrill.test');
    expect(pair.map((r) => `${r.setIdentifier}:${r.failover}:${r.values.join()}:${r.healthCheckId}`)).to.deep.equal([
      'api-primary:PRIMARY:127.0.0.2:hc-api-us-east-1',
      'api-secondary:SECONDARY:127.0.0.3:hc-api-us-west-2',
    ]);
  });

  it('fills a deployment left out by convention and names each region by its place', () => {
    const resolved = resolveTopology(withApi({ name: 'web', recordName: 'web.drdrill.test', ttl: 1, healthPath: '/health', regions: ['us-west-2', 'us-east-1'] }));
    expect(resolved.services[0]?.deployments.map((d) => [d.region, d.role, d.functionName, d.healthCheckId, d.requestInterval, d.failureThreshold])).to.deep.equal([
      ['us-west-2', 'primary', 'web-handler', 'hc-web-us-west-2', 30, 3],
      ['us-east-1', 'secondary', 'web-handler', 'hc-web-us-east-1', 30, 3],
    ]);
  });

  it('names the field, the value and what was expected for a shorthand that disagrees, a missing region, and a deployment outside the service', () => {
    expect(problem(withApi({ ...api, regions: ['us-west-2', 'us-east-1'] }))).to.contain('topology.services[0].primaryRegion').and.contain('"us-east-1"').and.contain('regions[0]');
    expect(problem(withApi({ ...api, secondaryRegion: 'eu-west-1' }))).to.contain('topology.services[0].secondaryRegion').and.contain('"eu-west-1"').and.contain('us-east-1, us-west-2');
    const { secondaryRegion: _dropped, ...onlyPrimary } = api;
    expect(problem(withApi(onlyPrimary))).to.contain('topology.services[0].secondaryRegion: required');
    expect(problem(withApi({ ...api, deployments: [{ region: 'us-east-1' }, { region: 'us-east-1' }] }))).to.contain('topology.services[0].deployments[1].region').and.contain('has a deployment already');
    const three = { ...DEFAULT_TOPOLOGY, regions: [...DEFAULT_TOPOLOGY.regions, { name: 'eu-west-1', address: '127.0.0.9' }] };
    expect(problem({ ...three, services: [{ ...api, deployments: [...api.deployments, { region: 'eu-west-1' }] }] })).to.contain('deployments[2].region').and.contain('is not one of the service\'s regions');
    expect(problem({ ...DEFAULT_TOPOLOGY, regions: [DEFAULT_TOPOLOGY.regions[0], { name: 'us-west-2', address: '127.0.0.2' }] })).to.contain('topology.regions[1].address').and.contain('already another region');
  });
});

describe('resolveTopology: a private hosted zone', () => {
  it('keeps its VPCs on the zone and refuses a VPC in a region the topology lacks, naming the field', () => {
    const vpcs = [{ vpcId: 'vpc-0a1', region: 'us-west-2' }];
    const resolved = resolveTopology({ ...DEFAULT_TOPOLOGY, hostedZone: { ...DEFAULT_TOPOLOGY.hostedZone, vpcs } });
    expect(buildHostedZone(resolved, '127.0.0.1').zone.vpcs).to.deep.equal(vpcs);
    expect(buildHostedZone(resolveTopology(DEFAULT_TOPOLOGY), '127.0.0.1').zone.vpcs).to.equal(undefined);
    expect(problem({ ...DEFAULT_TOPOLOGY, hostedZone: { ...DEFAULT_TOPOLOGY.hostedZone, vpcs: [{ vpcId: 'vpc-0a1', region: 'eu-west-1' }] } })).to.equal(
      'topology.hostedZone.vpcs[0].region: "eu-west-1" is not one of the topology\'s regions (us-east-1, us-west-2)',
    );
  });
});
