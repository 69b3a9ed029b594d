import { AwsServiceError } from '../aws-errors.ts';
import type { AwsRequest } from '../service-handler.ts';

/**
 * The regions a Route 53 ARC cluster has its five data-plane endpoints in. AWS gives each cluster
 * one endpoint per region and asks callers to try them in turn: any one may be down during the very
 * event a routing control is for.
 */
export const ARC_CLUSTER_ENDPOINT_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'ap-northeast-1'] as const;

/** One cluster endpoint as the sandbox simulates it. */
export interface ArcClusterEndpoint {
  readonly region: string;
  /** An unavailable endpoint answers every call 503 EndpointTemporarilyUnavailableException. */
  readonly available: boolean;
}

const PREFIX = '/arc-cluster/';

/**
 * The URL of one cluster endpoint on the sandbox's control plane. Real endpoints carry a path too
 * (`https://host-….<region>.example.com/v1`); the SDK keeps it, so the path tells the sandbox
 * which endpoint a call came through.
 */
export function arcClusterEndpointUrl(controlPlaneUrl: string, region: string): string {
  return `${controlPlaneUrl}${PREFIX}${region}/v1`;
}

/**
 * Refuses a call that came through an unavailable endpoint, as ARC does, so a caller that does not
 * try the next endpoint fails. A call through no endpoint path (the control plane's root, as older
 * sandboxes were reached) is served.
 *
 * @throws AwsServiceError EndpointTemporarilyUnavailableException (503)
 */
export function checkArcEndpoint(endpoints: readonly ArcClusterEndpoint[], request: Pick<AwsRequest, 'path'>): void {
  if (!request.path.startsWith(PREFIX)) return;
  const region = request.path.slice(PREFIX.length).split('/')[0] ?? '';
  const endpoint = endpoints.find((candidate) => candidate.region === region);
  if (endpoint === undefined) {
    throw new AwsServiceError('EndpointTemporarilyUnavailableException', 503, `The cluster has no endpoint in "${region}" (it has: ${endpoints.map((e) => e.region).join(', ')})`, 'Receiver');
  }
  if (!endpoint.available) {
    throw new AwsServiceError('EndpointTemporarilyUnavailableException', 503, `The cluster endpoint in ${region} is temporarily unavailable; try another of the cluster's endpoints`, 'Receiver');
  }
}
