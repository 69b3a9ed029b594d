import { LambdaClient } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import { STSClient } from '@aws-sdk/client-sts';
import type { Environment } from '../drill/environment.ts';

/** The sandbox does not check signatures; these only give the SDK something to sign with. */
const SANDBOX_CREDENTIALS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } as const;

/** Route 53 is global; its control plane signs in us-east-1. */
const ROUTE53_SIGNING_REGION = 'us-east-1';

/** The connection facts a client needs; journaled so `drdrill recover` can rebuild clients. */
export interface AwsTarget {
  readonly kind: Environment['kind'];
  readonly endpoint?: string;
  readonly profile?: string;
}

/**
 * Creates SDK clients for an environment, one per service and region, reused across calls.
 * Against the sandbox every client gets the endpoint override and dummy credentials, so the
 * code path (serialisation, retries, errors) is exactly the one used against AWS. Against AWS
 * credentials come only from the standard chain (or the environment's named profile).
 */
export class AwsClients {
  readonly #target: AwsTarget;
  readonly #lambda = new Map<string, LambdaClient>();
  #route53: Route53Client | undefined;
  #sts: STSClient | undefined;

  constructor(target: AwsTarget) {
    this.#target = target;
  }

  /** Clients for where an environment points: its kind, endpoint override and profile. */
  static forEnvironment(environment: Pick<Environment, 'kind' | 'endpoint' | 'profile'>): AwsClients {
    return new AwsClients({
      kind: environment.kind,
      ...(environment.endpoint === undefined ? {} : { endpoint: environment.endpoint }),
      ...(environment.profile === undefined ? {} : { profile: environment.profile }),
    });
  }

  lambda(region: string): LambdaClient {
    let client = this.#lambda.get(region);
    if (client === undefined) {
      client = new LambdaClient(this.#config(region));
      this.#lambda.set(region, client);
    }
    return client;
  }

  route53(): Route53Client {
    this.#route53 ??= new Route53Client(this.#config(ROUTE53_SIGNING_REGION));
    return this.#route53;
  }

  /** STS in the environment's primary region (regional endpoints keep the call out of us-east-1's fate). */
  sts(region: string): STSClient {
    this.#sts ??= new STSClient(this.#config(region));
    return this.#sts;
  }

  /** Closes every socket the clients hold, so a finished run does not keep the process alive. */
  destroy(): void {
    for (const client of this.#lambda.values()) client.destroy();
    this.#route53?.destroy();
    this.#sts?.destroy();
    this.#lambda.clear();
    this.#route53 = undefined;
    this.#sts = undefined;
  }

  #config(region: string): {
    region: string;
    endpoint?: string;
    credentials?: typeof SANDBOX_CREDENTIALS;
    profile?: string;
    maxAttempts: number;
  } {
    const target = this.#target;
    if (target.kind === 'sandbox') {
      if (target.endpoint === undefined) throw new Error('a sandbox environment needs an endpoint');
      return { region, endpoint: target.endpoint, credentials: SANDBOX_CREDENTIALS, maxAttempts: 3 };
    }
    // Throttling is retried by the SDK's standard retry strategy with backoff; 5 attempts rides out
    // short control-plane throttling storms during a game day without hiding a real outage.
    return {
      region,
      maxAttempts: 5,
      ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
      ...(target.profile === undefined ? {} : { profile: target.profile }),
    };
  }
}
