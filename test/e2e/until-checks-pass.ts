import { GetHealthCheckStatusCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { SandboxDescription } from '../../src/sandbox/sandbox-handle.ts';
import { waitUntil } from '../../src/util/wait-until.ts';

/**
 * Waits until every health check the sandbox runs has a success as each checker's latest result,
 * as GetHealthCheckStatus reports it. A drill's poller seeds each checker from that first reading
 * and refuses to inject while the system is not in its steady state (exit 3), so a test that runs
 * a drill right after another one's rollback waits here first: the rolled-back check takes a few
 * intervals to pass again, and a checker that saw failures without flipping the check leaves no
 * status event to wait on.
 */
export async function untilChecksPass(description: SandboxDescription, timeoutMs = 30_000): Promise<void> {
  const route53 = new Route53Client({ endpoint: description.controlPlaneUrl, region: 'us-east-1', credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  const checks = description.resources.services.flatMap((service) => service.deployments.map((deployment) => deployment.healthCheckId));
  try {
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
