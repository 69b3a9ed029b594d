import { GetHealthCheckStatusCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { SandboxDescription, SandboxEvent } from '../../src/sandbox/sandbox-handle.ts';
import { waitUntil } from '../../src/util/wait-until.ts';

/**
 * Waits until the sandbox is back in the steady state a drill expects before it injects:
 *
 * 1. every health check's latest judged status (its `health-check-status` events) is healthy.
 *    Route 53 flips a check back only after `FailureThreshold` successes in a row, and the DNS
 *    answer moves home with that flip; a drill started before it sees its load served by the
 *    secondary and refuses to inject (exit 3);
 * 2. every checker's latest result is a success, as GetHealthCheckStatus reports it: what the
 *    drill's poller seeds from. A checker that saw failures without flipping the check leaves
 *    no status event to wait on, so (1) alone is not enough either.
 *
 * Reads the sandbox's ground truth over `/_sandbox/events`, so it serves a sandbox in this
 * process and one in another alike.
 */
export async function untilChecksPass(description: SandboxDescription, timeoutMs = 30_000): Promise<void> {
  const route53 = new Route53Client({ endpoint: description.controlPlaneUrl, region: 'us-east-1', credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  const checks = description.resources.services.flatMap((service) => service.deployments.map((deployment) => deployment.healthCheckId));
  try {
    await waitUntil(async () => (await unhealthyChecks(description)).length === 0, { interval: 100, timeout: timeoutMs });
    await waitUntil(
      async () => {
        for (const healthCheckId of checks) {
          const { HealthCheckObservations = [] } = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }));
          if (!HealthCheckObservations.every((observation) => observation.StatusReport?.Status?.startsWith('Success') === true)) return false;
        }
        return true;
      },
      { interval: 100, timeout: timeoutMs },
    );
  } finally {
    route53.destroy();
  }
}

/** The checks whose latest judged status is unhealthy (a check never judged started healthy). */
async function unhealthyChecks(description: SandboxDescription): Promise<string[]> {
  const events = (await (await fetch(new URL('/_sandbox/events', description.controlPlaneUrl))).json()) as SandboxEvent[];
  const latest = new Map<string, boolean>();
  for (const event of events) if (event.type === 'health-check-status') latest.set(event.healthCheckId, event.healthy);
  return [...latest].filter(([, healthy]) => !healthy).map(([id]) => id);
}
