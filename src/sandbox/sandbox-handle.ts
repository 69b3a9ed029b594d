import type { ProcessIdentity } from '../runner/process-identity.ts';
import type { SandboxResources } from './topology/sandbox-resources.ts';
import type { DescribedTopology } from './topology/described-topology.ts';

/** A ground-truth event: the sandbox's own record of when its state actually changed. */
export type SandboxEvent =
  | {
      readonly at: number;
      readonly type: 'health-check-status';
      readonly healthCheckId: string;
      readonly healthy: boolean;
      readonly reason: string;
    }
  | {
      /**
       * The answer the DNS server gives for a name changed (evaluated right after any state
       * change). For weighted records `addresses` is every address a query may get; for latency
       * records there is one event stream per resolver client region, named in `clientRegion`.
       */
      readonly at: number;
      readonly type: 'dns-answer';
      readonly name: string;
      readonly addresses: readonly string[];
      /** For a CNAME record: the names it answered (the addresses are theirs). */
      readonly cnames?: readonly string[];
      readonly clientRegion?: string;
    }
  | {
      readonly at: number;
      readonly type: 'function-concurrency';
      readonly region: string;
      readonly functionName: string;
      /** null: no reserved concurrency configured. */
      readonly reservedConcurrency: number | null;
    }
  | {
      readonly at: number;
      readonly type: 'function-configuration';
      readonly region: string;
      readonly functionName: string;
      readonly revisionId: string;
      readonly environmentKeys: readonly string[];
    }
  | {
      readonly at: number;
      readonly type: 'health-check-config';
      readonly healthCheckId: string;
      readonly inverted: boolean;
      readonly disabled: boolean;
      readonly version: number;
    }
  | {
      /** What clients of a deployment see changed: a fault became active or ended. */
      readonly at: number;
      readonly type: 'fault';
      readonly region: string;
      readonly service: string;
      /** throttled | fis:<action id> | failure-flag | api-mapping-missing | backend-unreachable */
      readonly fault: string;
      readonly active: boolean;
      readonly detail: string;
    }
  | {
      readonly at: number;
      readonly type: 'parameter';
      readonly region: string;
      readonly name: string;
      /** null once deleted. */
      readonly version: number | null;
    }
  | {
      readonly at: number;
      readonly type: 'api-mapping';
      readonly region: string;
      readonly domainName: string;
      readonly apiMappingId: string;
      readonly apiId: string;
      readonly change: 'created' | 'deleted';
    }
  | {
      readonly at: number;
      readonly type: 'security-group-rule';
      readonly region: string;
      readonly groupId: string;
      readonly ruleId: string;
      readonly change: 'authorized' | 'revoked';
    }
  | {
      readonly at: number;
      readonly type: 'fis-experiment';
      readonly region: string;
      readonly experimentId: string;
      readonly templateId: string;
      readonly status: string;
      readonly reason?: string;
    }
  | {
      readonly at: number;
      readonly type: 'automation';
      readonly region: string;
      readonly executionId: string;
      readonly status: string;
    }
  | {
      readonly at: number;
      readonly type: 'routing-control';
      readonly routingControlArn: string;
      readonly state: 'On' | 'Off';
    }
  | {
      readonly at: number;
      readonly type: 'alarm-state';
      readonly region: string;
      readonly alarmName: string;
      readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
    }
  | {
      /** A region's endpoint moved: its API Gateway names (and alias answers to them) now give `address`. */
      readonly at: number;
      readonly type: 'region-address';
      readonly region: string;
      readonly address: string;
      readonly previous: string;
    }
  | {
      /** A record change ChangeResourceRecordSets accepted. */
      readonly at: number;
      readonly type: 'record-change';
      readonly changeId: string;
      readonly action: 'CREATE' | 'UPSERT' | 'DELETE';
      readonly name: string;
      readonly recordType: string;
      readonly setIdentifier?: string;
    };

/** One request the control plane answered, for proving what a drill did (or did not) change. */
export interface ControlPlaneCall {
  readonly at: number;
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly mutating: boolean;
  readonly status: number;
  readonly requestId: string;
  readonly errorCode?: string;
  /** The request's path: for ARC, which cluster endpoint the call came through. */
  readonly path: string;
}

/** What `drdrill sandbox up` prints and `GET /_sandbox/describe` returns. */
export interface SandboxDescription {
  readonly controlPlaneUrl: string;
  readonly dns: { readonly host: string; readonly port: number };
  /** Port shared by every regional endpoint (each region has its own address). */
  readonly httpPort: number;
  /** HTTPS port shared by every regional endpoint (self-signed certificate). */
  readonly httpsPort?: number;
  readonly regions: readonly { readonly name: string; readonly address: string; readonly url: string }[];
  /** The CloudFront-like edge, when the topology has one. */
  readonly edge?: { readonly address: string; readonly url: string };
  /**
   * Route 53 ARC cluster endpoints, in the order to try them: paths on the control plane, one per
   * endpoint region (`…/arc-cluster/us-east-1/v1`), signed for route53-recovery-cluster.
   */
  readonly arcClusterEndpoints: readonly string[];
  /** The topology as given, with each service's regions (in order) and deployments written out. */
  readonly topology: DescribedTopology;
  /** Every resource id the sandbox simulates, for people and tools (AWS CLI, dig). */
  readonly resources: SandboxResources;
  /** The process the sandbox runs in: its state lives and dies with it (recover relies on that). */
  readonly process?: ProcessIdentity;
}

/** A running sandbox. */
export interface Sandbox {
  readonly description: SandboxDescription;
  /** Ground truth, in order. */
  events(): readonly SandboxEvent[];
  /** Every control-plane call, in order. */
  calls(): readonly ControlPlaneCall[];
  /**
   * Moves a region's endpoint to another loopback address, as AWS moves the addresses behind
   * API Gateway: the endpoint listens there too (the old address keeps answering), its API
   * Gateway names resolve to it through the sandbox DNS, and alias answers follow. Recorded as a
   * `region-address` event.
   *
   * @throws InvalidRegionMoveError for an unknown region or an address that is not free
   *   loopback; SandboxListenError when the port is taken there.
   */
  moveRegion(region: string, address: string): Promise<void>;
  close(): Promise<void>;
}
