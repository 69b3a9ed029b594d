import { expect } from 'chai';
import { environmentSchema, type EnvironmentInput } from '../../src/drill/environment.ts';
import { InvalidInputError } from '../../src/drill/invalid-input-error.ts';
import { vantageResolvers } from '../../src/drill/vantage-point.ts';

const ENVIRONMENT: EnvironmentInput = {
  name: 'sandbox',
  kind: 'sandbox',
  accountId: '000000000000',
  endpoint: 'http://127.0.0.1:4566',
  regions: { primary: 'eu-central-1', secondary: 'eu-west-1' },
  dnsResolvers: ['127.0.0.1:5353'],
  services: {
    api: {
      url: 'http://api.shop.drdrill.test/health',
      hostedZoneId: 'Z1',
      recordName: 'api.shop.drdrill.test',
      functions: { primary: 'f1', secondary: 'f2' },
      healthChecks: { primary: 'h1', secondary: 'h2' },
    },
  },
};

/** The problems of an environment with these vantage points, as `drdrill` prints them (exit 2). */
function problems(vantagePoints: unknown): readonly string[] {
  const parsed = environmentSchema.safeParse({ ...ENVIRONMENT, vantagePoints });
  return parsed.success ? [] : InvalidInputError.fromZod('environment', parsed.error).problems;
}

describe('environment vantagePoints', () => {
  it('accepts source addresses, client subnets and per-vantage resolvers, and stays optional', () => {
    expect(environmentSchema.safeParse(ENVIRONMENT).success).to.equal(true);
    expect(
      problems([
        { name: 'eu-central-1', sourceAddress: '127.0.0.11' },
        { name: 'eu-west-1', clientSubnet: '198.51.100.0/24', resolvers: ['127.0.0.1:5353', '[::1]:5353'] },
        { name: 'ap-south-1', clientSubnet: '2001:db8:40::/48' },
      ]),
    ).to.deep.equal([]);
  });

  it('says which field is wrong, the value and what was expected', () => {
    expect(
      problems([
        { name: 'eu-central-1', sourceAddress: 'localhost' },
        { name: 'eu-west-1', clientSubnet: '198.51.100.7/24' },
        { name: 'eu-west-2', resolvers: ['dns.example:53'] },
        { name: 'eu south' },
      ]),
    ).to.deep.equal([
      'vantagePoints[0].sourceAddress: expected an IP address of this machine, such as "127.0.0.11"',
      'vantagePoints[1].clientSubnet: invalid client subnet "198.51.100.7/24": host bits are set past /24 (the network is 198.51.100.0/24); expected a network in CIDR form such as 203.0.113.0/24 or 2001:db8::/56',
      'vantagePoints[2].resolvers[0]: invalid DNS server "dns.example:53": "dns.example" is not an IP address (IPv6 needs brackets with a port); expected an IP address with an optional port, like 127.0.0.1:5353, 10.0.0.2, [::1]:53 or ::1',
      'vantagePoints[3].name: expected a name of letters, digits, ".", "_", ":" or "-", such as "eu-west-1"',
    ]);
  });

  it('rejects a vantage point name used twice, since each name is one resolver set', () => {
    expect(problems([{ name: 'eu-west-1' }, { name: 'eu-central-1' }, { name: 'eu-west-1', clientSubnet: '198.51.100.0/24' }])).to.deep.equal([
      'vantagePoints[2].name: duplicate vantage point name "eu-west-1" (also vantagePoints[0])',
    ]);
  });

  it('rejects an empty list and unknown fields', () => {
    expect(problems([])).to.deep.equal(['vantagePoints: expected at least one vantage point, or leave vantagePoints out']);
    expect(problems([{ name: 'a', subnet: '198.51.100.0/24' }])).to.deep.equal(['vantagePoints[0]: unknown field "subnet"']);
  });
});

describe('vantageResolvers', () => {
  const defaults = { listed: ['10.0.0.2:53'], authoritative: ['205.251.192.1:53', '205.251.194.2:53'] };
  it('uses the vantage point own resolvers, else the authoritative servers for a client subnet, else the listed ones', () => {
    expect(vantageResolvers({ name: 'a', resolvers: ['127.0.0.1:53'], clientSubnet: '198.51.100.0/24' }, defaults)).to.deep.equal(['127.0.0.1:53']);
    expect(vantageResolvers({ name: 'b', clientSubnet: '198.51.100.0/24' }, defaults)).to.deep.equal(defaults.authoritative);
    expect(vantageResolvers({ name: 'c', sourceAddress: '127.0.0.11' }, defaults)).to.deep.equal(defaults.listed);
    expect(vantageResolvers({ name: 'd', clientSubnet: '198.51.100.0/24' }, { listed: defaults.listed })).to.deep.equal(defaults.listed);
  });
});
