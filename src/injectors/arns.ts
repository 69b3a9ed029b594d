import type { Environment } from '../drill/environment.ts';

/** ARNs of the resources injectors touch, for IAM policies and permission errors. */

export function lambdaFunctionArn(environment: Environment, region: string, functionName: string): string {
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
