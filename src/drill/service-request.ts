import { z } from 'zod';
import { describeRequestProblem, loadRequestProblems, REQUEST_METHODS, requestVariables, unsetRequestVariables } from '../load/load-request.ts';

const headerValueSchema = z.union([z.string(), z.strictObject({ fromEnv: z.string() })], {
  error: (issue) => `expected a string, or { fromEnv: "VARIABLE_NAME" } naming an environment variable, got ${JSON.stringify(issue.input) ?? String(issue.input)}`,
});

/**
 * What the load engines send to a service, so load reaches an API the way its real clients do:
 * through another name with the custom domain's `Host`, with a token, with a method and body.
 *
 * @example
 * request: {
 *   method: 'POST',
 *   path: '/orders/health',
 *   headers: { Host: 'api.example.com', authorization: { fromEnv: 'API_TOKEN' } },
 *   body: '{"probe":true}',
 * }
 */
export const serviceRequestSchema = z
  .strictObject({
    /** Default GET. */
    method: z.enum(REQUEST_METHODS, { error: (issue) => `expected one of ${REQUEST_METHODS.join(', ')}, got ${JSON.stringify(issue.input)}` }).default('GET'),
    /**
     * Extra request headers. `Host` replaces the URL's host in the Host header (and, over HTTPS with
     * the built-in engine, the TLS server name). Credential headers (authorization, cookie,
     * x-api-key, …) must be `{ fromEnv: 'NAME' }`: read when the load starts, never written anywhere.
     */
    headers: z.record(z.string(), headerValueSchema).optional(),
    /** Request content; only with POST, PUT or PATCH. */
    body: z.string().optional(),
    /** Path appended to this service's URL path (with an optional `?query`); the drill's `load.path` wins where given. */
    path: z.string().startsWith('/', 'expected a path starting with "/"').optional(),
  })
  .superRefine((request, ctx) => {
    for (const problem of loadRequestProblems(request)) ctx.addIssue({ code: 'custom', path: [...problem.path], message: describeRequestProblem(problem) });
  });

export type ServiceRequest = z.output<typeof serviceRequestSchema>;

/**
 * The `fromEnv` variables of the loaded services' requests that are not set in `env`, each as a
 * problem naming the environment field: checked before anything changes, so a run that could not
 * send its requests is bad input (exit 2).
 */
export function unsetServiceRequestVariables(
  environmentName: string,
  services: Readonly<Record<string, { readonly request?: ServiceRequest | undefined } | undefined>>,
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const problems: string[] = [];
  for (const name of new Set(names)) {
    const request = services[name]?.request;
    if (request === undefined) continue;
    for (const [field, variable] of unsetRequestVariables(request, env)) {
      problems.push(`environment "${environmentName}" services.${name}.request.${field}.fromEnv: environment variable ${variable} is not set (expected it to hold the header's value)`);
    }
  }
  return problems;
}

/**
 * The values the services' requests read from the environment: credentials whatever their
 * variable is called, for the redactors of every output, the last line behind not writing them.
 */
export function requestCredentialValues(
  services: Readonly<Record<string, { readonly request?: ServiceRequest | undefined } | undefined>>,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const variables = requestVariables(Object.values(services).map((service) => service?.request));
  return variables.flatMap((name) => (env[name] === undefined ? [] : [env[name]]));
}
