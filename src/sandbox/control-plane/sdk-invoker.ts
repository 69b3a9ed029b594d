import type { AwsApiCall } from '../../aws/aws-api-call.ts';

/** boto3 service name → SDK v3 package and client class (the services the sandbox speaks). */
const CLIENTS: Readonly<Record<string, readonly [string, string]>> = {
  lambda: ['@aws-sdk/client-lambda', 'LambdaClient'],
  route53: ['@aws-sdk/client-route-53', 'Route53Client'],
  ssm: ['@aws-sdk/client-ssm', 'SSMClient'],
  apigatewayv2: ['@aws-sdk/client-apigatewayv2', 'ApiGatewayV2Client'],
  ec2: ['@aws-sdk/client-ec2', 'EC2Client'],
  'route53-recovery-cluster': ['@aws-sdk/client-route53-recovery-cluster', 'Route53RecoveryClusterClient'],
  cloudwatch: ['@aws-sdk/client-cloudwatch', 'CloudWatchClient'],
  fis: ['@aws-sdk/client-fis', 'FisClient'],
};

/** The runbook named a service or API the sandbox cannot call. */
export class UnsupportedAwsApiError extends Error {
  override readonly name = 'UnsupportedAwsApiError';
}

interface SdkClient {
  send(command: unknown): Promise<unknown>;
  destroy(): void;
}
type ClientConstructor = new (config: object) => SdkClient;
type CommandConstructor = new (input: object) => unknown;

/**
 * Makes one AWS API call against the sandbox's control plane with the real SDK v3 client, the
 * way the runbook's `aws:executeScript` step calls boto3 (runbooks/drdrill-TimedRevert.yaml): service by name, API by operation name, request as given.
 *
 * @returns the SDK's output without `$metadata`.
 * @throws UnsupportedAwsApiError for a service or operation the SDK does not know; the SDK's own
 *   error when the call fails.
 */
export async function invokeAwsApi(endpoint: string, call: AwsApiCall): Promise<unknown> {
  const entry = CLIENTS[call.service];
  if (entry === undefined) throw new UnsupportedAwsApiError(`Service "${call.service}" is not one of ${Object.keys(CLIENTS).join(', ')}`);
  const [packageName, clientName] = entry;
  const module = (await import(packageName)) as Record<string, unknown>;
  const Client = module[clientName] as ClientConstructor | undefined;
  const Command = module[`${call.api}Command`] as CommandConstructor | undefined;
  if (Client === undefined || Command === undefined) throw new UnsupportedAwsApiError(`${call.service} has no API "${call.api}"`);
  const client = new Client({
    region: call.region,
    endpoint: call.endpoint ?? endpoint,
    credentials: { accessKeyId: 'drdrill-automation', secretAccessKey: 'sandbox' },
    maxAttempts: 1,
  });
  try {
    const output = (await client.send(new Command(call.request))) as Record<string, unknown>;
    const { $metadata: _metadata, ...rest } = output;
    return rest;
  } finally {
    client.destroy();
  }
}
