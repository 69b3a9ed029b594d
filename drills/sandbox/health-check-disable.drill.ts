import { AssertionError } from 'node:assert';
import { defineDrill } from 'drdrill';

/**
 * Disabling a health check does NOT force failover: Route 53 stops checking and reports the
 * check healthy whatever the endpoint does. Teams sometimes "disable the primary check" expecting
 * traffic to move; this drill shows it stays put. To move traffic, invert the check (or use ARC).
 */
export const drill = defineDrill({
  name: 'health-check-disable',
  description:
    'Disable the primary health check. Proves that disabling does NOT fail over (Route 53 treats a disabled check as healthy); use Inverted or a routing control to move traffic.',
  service: 'api',
  load: { rate: 20, timeout: '2s' },
  phases: { baseline: '2s', recovery: '5s', settle: '3s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'health-check-disable', target: { region: 'primary' } }],
  assertions: [
    { assertion: 'region-share', region: 'primary', minShare: 100, during: 'fault-active', name: 'Every request stays on the primary while its check is disabled' },
    {
      assertion: 'custom',
      name: 'DNS never leaves the primary: a disabled health check counts as healthy, so it cannot force failover',
      check: (timeline, context) => {
        const injected = timeline.faults.find((f) => f.kind === 'inject')?.at ?? timeline.startedAt;
        const rolledBack = timeline.faults.find((f) => f.kind === 'rollback')?.at ?? timeline.endedAt;
        const during = timeline.dns.filter((o) => o.at >= injected && o.at < rolledBack && o.addresses.length > 0);
        if (during.length === 0) throw new AssertionError({ message: 'no DNS answers were observed while the check was disabled' });
        const moved = during.filter((o) => o.addresses.some((a) => timeline.regionsByAddress[a] !== context.primaryRegion));
        if (moved.length > 0) {
          throw new AssertionError({ message: `${moved.length} of ${during.length} DNS answers left ${context.primaryRegion} while the check was disabled` });
        }
      },
    },
  ],
});
