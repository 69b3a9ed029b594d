/** An AWS region name as it appears inside endpoint host names: `us-east-1`, `eu-south-2`, `us-gov-west-1`. */
const REGION = '([a-z]{2}(?:-[a-z]+)+-\\d+)';
/** `amazonaws.com`, or `amazonaws.com.cn` in the China partition. */
const AWS_DOMAIN = 'amazonaws\\.com(?:\\.cn)?';

/**
 * Host name shapes AWS gives regional endpoints, each with the region in a fixed place:
 * - API Gateway, default and regional custom-domain targets: `{api-id}.execute-api.{region}.amazonaws.com`,
 *   `d-{id}.execute-api.{region}.amazonaws.com` (the custom domain's ApiGatewayDomainName / regionalDomainName);
 * - Application and Classic Load Balancers: `{name}-{id}.{region}.elb.amazonaws.com`, also with the
 *   `dualstack.` and `internal-` forms;
 * - Network Load Balancers: `{name}-{id}.elb.{region}.amazonaws.com`.
 */
const PATTERNS: readonly RegExp[] = [
  new RegExp(`^[a-z0-9-]+\\.execute-api\\.${REGION}\\.${AWS_DOMAIN}$`),
  new RegExp(`^(?:dualstack\\.)?[a-z0-9-]+\\.${REGION}\\.elb\\.${AWS_DOMAIN}$`),
  new RegExp(`^(?:dualstack\\.)?[a-z0-9-]+\\.elb\\.${REGION}\\.${AWS_DOMAIN}$`),
];

/**
 * The AWS region a regional endpoint host name names, or undefined when the name has no
 * recognised regional shape (a custom domain, a CloudFront distribution, the sandbox's names).
 * The name is compared lower-case, without a trailing dot.
 */
export function regionOfEndpointName(name: string): string | undefined {
  const host = name.toLowerCase().replace(/\.$/, '');
  for (const pattern of PATTERNS) {
    const region = pattern.exec(host)?.[1];
    if (region !== undefined) return region;
  }
  return undefined;
}
