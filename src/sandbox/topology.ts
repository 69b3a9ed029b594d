/**
 * What the sandbox simulates, as data. The default mirrors the reference architecture:
 * API Gateway + Lambda in us-east-1 (primary) and us-west-2 (secondary) behind a Route 53
 * failover record pair, each side with its own health check.
 */
export interface SandboxTopology {
  /** The account id the sandbox claims to be (STS, ARNs). */
  readonly accountId: string;
  /**
   * Real seconds per simulated second for health-check intervals: 0.1 makes a 10 s Route 53
   * RequestInterval take 1 s, so a failover + failback drill fits in well under a minute.
   */
  readonly timeScale: number;
  readonly hostedZone: { readonly id: string; readonly name: string };
  readonly regions: readonly SandboxRegion[];
  readonly services: readonly SandboxService[];
}

export interface SandboxRegion {
  readonly name: string;
  /** Loopback address the region's API endpoint listens on (127.0.0.0/8). */
  readonly address: string;
}

export interface SandboxService {
  /** Logical name, e.g. `api`. */
  readonly name: string;
  /** Fully qualified record name without the trailing dot, e.g. `api.drdrill.test`. */
  readonly recordName: string;
  readonly ttl: number;
  readonly primaryRegion: string;
  readonly secondaryRegion: string;
  /** Path the health checks request, e.g. `/health`. */
  readonly healthPath: string;
  /** Per region: the function serving this service there, and its health check. */
  readonly deployments: readonly SandboxDeployment[];
}

export interface SandboxDeployment {
  readonly region: string;
  readonly functionName: string;
  readonly healthCheckId: string;
  /** Route 53 RequestInterval in (simulated) seconds: 10 or 30. */
  readonly requestInterval: 10 | 30;
  /** Route 53 FailureThreshold: 1–10 consecutive results flip the status. */
  readonly failureThreshold: number;
  /** Reserved concurrency at start; undefined means none is set (unreserved). */
  readonly reservedConcurrency?: number;
}

export const DEFAULT_TOPOLOGY: SandboxTopology = {
  accountId: '111122223333',
  timeScale: 0.1,
  hostedZone: { id: 'Z0DRDRILLSANDBOX', name: 'drdrill.test' },
  regions: [
    { name: 'us-east-1', address: '127.0.0.2' },
    { name: 'us-west-2', address: '127.0.0.3' },
  ],
  services: [
    {
      name: 'api',
      recordName: 'api.drdrill.test',
      ttl: 1,
      primaryRegion: 'us-east-1',
      secondaryRegion: 'us-west-2',
      healthPath: '/health',
      deployments: [
        {
          region: 'us-east-1',
          functionName: 'api-handler',
          healthCheckId: 'hc-api-us-east-1',
          requestInterval: 10,
          failureThreshold: 3,
        },
        {
          region: 'us-west-2',
          functionName: 'api-handler',
          healthCheckId: 'hc-api-us-west-2',
          requestInterval: 10,
          failureThreshold: 3,
        },
      ],
    },
  ],
};
