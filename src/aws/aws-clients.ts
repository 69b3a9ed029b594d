import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { FisClient } from '@aws-sdk/client-fis';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { Environment } from '../drill/environment.ts';
import { recordCalls, type CallSink, type InstrumentableClient } from '../evidence/record-calls.ts';
import { awsCliFor, type AwsCli } from './aws-cli.ts';
import { CALL_DEADLINES, type CallDeadlines } from './call-deadlines.ts';
import { SANDBOX_CREDENTIALS } from './sandbox-credentials.ts';
import { InterruptibleHttpHandler } from './interruptible-http-handler.ts';


/** Route 53 is global; its control plane signs in us-east-1. */
const ROUTE53_SIGNING_REGION = 'us-east-1';

/** The connection facts a client needs; journaled so `drdrill recover` can rebuild clients. */
export interface AwsTarget {
  readonly kind: Environment['kind'];
  readonly endpoint?: string;
  readonly profile?: string;
}

/** Any SDK v3 client. */
type SdkClient = { destroy(): void };

/**
 * Creates SDK clients for an environment, one per service and region, reused across calls.
 * Against the sandbox every client gets the endpoint override and dummy credentials, so the
 * code path (serialisation, retries, errors) is exactly the one used against AWS. Against AWS
 * credentials come only from the standard chain (or the environment's named profile).
 */
export class AwsClients {
  readonly #target: AwsTarget;
  readonly #onCall: CallSink | undefined;
  /** Every client made so far, keyed by `<service> <region>[ <endpoint>]`. */
  readonly #clients = new Map<string, SdkClient>();
  /** One handler per client (the SDK destroys a client's handler with it), kept to interrupt them all. */
  readonly #handlers = new Set<InterruptibleHttpHandler>();

  /** `onCall` receives a record of every call any client makes: the evidence trail of a run. */
  constructor(target: AwsTarget, onCall?: CallSink) {
    this.#target = target;
    this.#onCall = onCall;
  }

  /** Clients for where an environment points: its kind, endpoint override and profile. */
  static forEnvironment(environment: Pick<Environment, 'kind' | 'endpoint' | 'profile'>, onCall?: CallSink): AwsClients {
    return new AwsClients(
      {
        kind: environment.kind,
        ...(environment.endpoint === undefined ? {} : { endpoint: environment.endpoint }),
        ...(environment.profile === undefined ? {} : { profile: environment.profile }),
      },
      onCall,
    );
  }

  lambda(region: string): LambdaClient {
    return this.#cached(`lambda ${region}`, () => new LambdaClient(this.#config(region)));
  }

  route53(): Route53Client {
    return this.#cached('route53', () => new Route53Client(this.#config(ROUTE53_SIGNING_REGION)));
  }

  /** STS in the environment's primary region (regional endpoints keep the call out of us-east-1's fate). */
  sts(region: string): STSClient {
    return this.#cached(`sts ${region}`, () => new STSClient(this.#config(region)));
  }

  ssm(region: string): SSMClient {
    return this.#cached(`ssm ${region}`, () => new SSMClient(this.#config(region)));
  }

  apiGatewayV2(region: string): ApiGatewayV2Client {
    return this.#cached(`apigatewayv2 ${region}`, () => new ApiGatewayV2Client(this.#config(region)));
  }

  ec2(region: string): EC2Client {
    return this.#cached(`ec2 ${region}`, () => new EC2Client(this.#config(region)));
  }

  fis(region: string): FisClient {
    return this.#cached(`fis ${region}`, () => new FisClient(this.#config(region)));
  }

  kms(region: string): KMSClient {
    return this.#cached(`kms ${region}`, () => new KMSClient(this.#config(region)));
  }

  cloudWatch(region: string): CloudWatchClient {
    return this.#cached(`cloudwatch ${region}`, () => new CloudWatchClient(this.#config(region)));
  }

  /**
   * A Route 53 ARC cluster data-plane client. Routing-control state lives on the cluster, not on
   * a regional endpoint, so the endpoint is one of the cluster's own (the sandbox's URL on the
   * sandbox); callers try the cluster's endpoints in turn, as AWS recommends. Each endpoint gets
   * one attempt: the next endpoint is the retry, so a down endpoint costs one call, not a round of
   * backoff (throttling is still retried by the caller, see aws-call.ts).
   */
  arcCluster(region: string, clusterEndpoint: string): Route53RecoveryClusterClient {
    return this.#cached(
      `arc ${region} ${clusterEndpoint}`,
      () => new Route53RecoveryClusterClient({ ...this.#config(region), endpoint: clusterEndpoint, maxAttempts: 1 }),
    );
  }

  /** AWS CLI lines aimed where these clients point: for undo lines people paste. */
  get awsCli(): AwsCli {
    return awsCliFor(this.#target);
  }

  /** The deadlines every call these clients make runs under. */
  get deadlines(): CallDeadlines {
    return CALL_DEADLINES[this.#target.kind];
  }

  /**
   * Aborts every call in flight on every client, now: a signal during a blocked call, or a
   * rollback out of time. The calls fail with an AbortError carrying `reason`; calls made after
   * this go ahead as usual.
   */
  interrupt(reason: string): void {
    for (const handler of this.#handlers) handler.interrupt(reason);
  }

  /** Closes every socket the clients hold, so a finished run does not keep the process alive. */
  destroy(): void {
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
    this.#handlers.clear();
  }

  #cached<T extends SdkClient>(key: string, create: () => T): T {
    let client = this.#clients.get(key) as T | undefined;
    if (client === undefined) {
      client = create();
      // Every SDK v3 client has the same middleware stack at run time, but @aws-sdk/client-fis's newest
      // release (3.523) carries an older copy of @smithy/types, so its static type does not line up.
      if (this.#onCall !== undefined) recordCalls(client as unknown as InstrumentableClient<object, { $metadata: object }>, this.#onCall);
      this.#clients.set(key, client);
    }
    return client;
  }

  #config(region: string): {
    region: string;
    endpoint?: string;
    credentials?: typeof SANDBOX_CREDENTIALS;
    profile?: string;
    maxAttempts: number;
    requestHandler: InterruptibleHttpHandler;
  } {
    const target = this.#target;
    const { maxAttempts } = this.deadlines;
    const requestHandler = new InterruptibleHttpHandler(this.deadlines);
    this.#handlers.add(requestHandler);
    if (target.kind === 'sandbox') {
      if (target.endpoint === undefined) throw new Error('a sandbox environment needs an endpoint');
      return { region, endpoint: target.endpoint, credentials: SANDBOX_CREDENTIALS, maxAttempts, requestHandler };
    }
    // Throttling and timeouts are retried by the SDK's standard retry strategy with backoff.
    return {
      region,
      maxAttempts,
      requestHandler,
      ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
      ...(target.profile === undefined ? {} : { profile: target.profile }),
    };
  }
}
