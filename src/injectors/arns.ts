import type { Environment } from '../drill/environment.ts';

/** ARNs of the resources injectors touch, for IAM policies and permission errors. */

/** `arn:partition:lambda:region:account:function:name`, then an optional `:qualifier`. */
const FUNCTION_ARN = /^arn:([\w-]+):lambda:([\w-]+):(\d{12}):function:([\w-]+)(?::[\w$-]+)?$/;
/** Lambda's partial ARN: `account:function:name`. */
const PARTIAL_FUNCTION_ARN = /^(\d{12}):function:([\w-]+)$/;

/**
 * The unqualified ARN of a function given by name, partial ARN or (qualified) ARN, as Lambda
 * accepts all of them: one function has one ARN however the environment spells it, and reserved
 * concurrency (what drdrill changes) belongs to the function, not to a version or alias.
 */
export function lambdaFunctionArn(environment: Environment, region: string, functionName: string): string {
  const full = FUNCTION_ARN.exec(functionName);
  if (full !== null) return `arn:${full[1]}:lambda:${full[2]}:${full[3]}:function:${full[4]}`;
  const partial = PARTIAL_FUNCTION_ARN.exec(functionName);
  if (partial !== null) return `arn:aws:lambda:${region}:${partial[1]}:function:${partial[2]}`;
  return functionName.startsWith('arn:') ? functionName : `arn:aws:lambda:${region}:${environment.accountId}:function:${functionName}`;
}

export function healthCheckArn(healthCheckId: string): string {
  return `arn:aws:route53:::healthcheck/${healthCheckId}`;
}

export function ssmParameterArn(environment: Environment, region: string, name: string): string {
  if (name.startsWith('arn:')) return name;
  return `arn:aws:ssm:${region}:${environment.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

/** API Gateway's resource ARNs have no account: `arn:aws:apigateway:<region>::<path>`. */
export function apiGatewayArn(region: string, resourcePath: string): string {
  return `arn:aws:apigateway:${region}::${resourcePath}`;
}

export function securityGroupArn(environment: Environment, region: string, groupId: string): string {
  return `arn:aws:ec2:${region}:${environment.accountId}:security-group/${groupId}`;
}

export function securityGroupRuleArn(environment: Environment, region: string, ruleId: string): string {
  return `arn:aws:ec2:${region}:${environment.accountId}:security-group-rule/${ruleId}`;
}

export function fisTemplateArn(environment: Environment, region: string, templateId: string): string {
  return templateId.startsWith('arn:') ? templateId : `arn:aws:fis:${region}:${environment.accountId}:experiment-template/${templateId}`;
}

export function fisExperimentArn(environment: Environment, region: string, experimentId: string): string {
  return `arn:aws:fis:${region}:${environment.accountId}:experiment/${experimentId}`;
}
