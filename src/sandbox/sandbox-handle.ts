import type { SandboxTopology } from './topology.ts';

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
      /** The answer the DNS server gives for a name changed (evaluated right after any state change). */
      readonly at: number;
      readonly type: 'dns-answer';
      readonly name: string;
      readonly addresses: readonly string[];
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
      readonly type: 'health-check-config';
      readonly healthCheckId: string;
      readonly inverted: boolean;
      readonly disabled: boolean;
      readonly version: number;
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
}

/** What `drdrill sandbox up` prints and `GET /_sandbox/describe` returns. */
export interface SandboxDescription {
  readonly controlPlaneUrl: string;
  readonly dns: { readonly host: string; readonly port: number };
  /** Port shared by every regional endpoint (each region has its own address). */
  readonly httpPort: number;
  readonly regions: readonly { readonly name: string; readonly address: string; readonly url: string }[];
  readonly topology: SandboxTopology;
}

/** A running sandbox. */
export interface Sandbox {
  readonly description: SandboxDescription;
  /** Ground truth, in order. */
  events(): readonly SandboxEvent[];
  /** Every control-plane call, in order. */
  calls(): readonly ControlPlaneCall[];
  close(): Promise<void>;
}
