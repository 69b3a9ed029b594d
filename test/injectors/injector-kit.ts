import { AwsClients } from '../../src/aws/aws-clients.ts';
import { environmentSchema, type Environment } from '../../src/drill/environment.ts';
import type { FaultHandle, InjectorDeps } from '../../src/injectors/injector.ts';

/** An environment whose every optional resource is filled in; clients are mocked, so the endpoint is never dialled. */
export function mockEnvironment(): Environment {
  const service = (name: string) => ({
    url: `https://${name}.example.com/health`,
    regionHeader: 'x-drdrill-region',
    hostedZoneId: 'Z123',
    recordName: `${name}.example.com`,
    functions: { primary: `${name}-fn`, secondary: `${name}-fn` },
    healthChecks: { primary: `hc-${name}-east`, secondary: `hc-${name}-west` },
    customDomains: { primary: `${name}.east.example.com`, secondary: `${name}.west.example.com` },
    securityGroups: { primary: `sg-${name}east`, secondary: `sg-${name}west` },
    failureFlags: { primary: `/failure/${name}`, secondary: `/failure/${name}` },
    fisTemplates: { primary: `EXT${name}east`, secondary: `EXT${name}west` },
    routingControls: {
      primary: `arn:aws:route53-recovery-control::111122223333:controlpanel/cp/routingcontrol/${name}-east`,
      secondary: `arn:aws:route53-recovery-control::111122223333:controlpanel/cp/routingcontrol/${name}-west`,
    },
  });
  return environmentSchema.parse({
    name: 'mocked',
    kind: 'sandbox',
    accountId: '111122223333',
    endpoint: 'http://127.0.0.1:9/',
    regions: { primary: 'us-east-1', secondary: 'us-west-2' },
    dnsResolvers: ['127.0.0.1:53'],
    arc: { region: 'us-west-2', clusterEndpoints: ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'] },
    experimentTemplates: { 'az-outage': { region: 'us-east-1', id: 'EXTazoutage' } },
    services: { api: service('api'), service1: service('service1'), service2: service('service2') },
  });
}

export function mockDeps(): InjectorDeps & { readonly clients: AwsClients } {
  const environment = mockEnvironment();
  return { environment, clients: AwsClients.forEnvironment(environment), defaultService: 'api', retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 } };
}

/** An AWS-shaped service error (SDK v3 sets `name` to the error code). */
export function awsError(code: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name: code, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** A journal callback that records what was written, and when relative to the mutating calls. */
export function recordingJournal<H extends FaultHandle>(): { readonly entries: H[]; readonly write: (handle: H) => Promise<void> } {
  const entries: H[] = [];
  return { entries, write: async (handle) => void entries.push(structuredClone(handle)) };
}
