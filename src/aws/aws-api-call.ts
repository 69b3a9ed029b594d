/**
 * One AWS API call described as data, the way boto3 and SSM Automation name
 * it: the dead-man's switch carries a fault's undo to the server side in this shape, and the
 * sandbox's automation runner replays it with the SDK.
 */
export interface AwsApiCall {
  /** boto3-style service name: lambda, route53, ssm, apigatewayv2, ec2, route53-recovery-cluster, cloudwatch, fis. */
  readonly service: string;
  /** Operation name, e.g. DeleteFunctionConcurrency. */
  readonly api: string;
  readonly region: string;
  /** The request as the API takes it (PascalCase members, as in boto3 and SDK v3 inputs). */
  readonly request: Readonly<Record<string, unknown>>;
  /**
   * Endpoint to call instead of the regional default, for data planes that have their own
   * (Route 53 ARC cluster endpoints).
   */
  readonly endpoint?: string;
}
