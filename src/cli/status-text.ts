import { formatDuration } from '../drill/duration.ts';
import { recentTraffic } from '../console/live-traffic.ts';
import type { LiveRun } from '../runner/live-run.ts';
import { describeProgress } from './progress-line.ts';

/**
 * The terminal's one-line view of a running drill: what is awaited, then the load's rate, error
 * rate and share by region per service, e.g.
 * `moved: waiting for DNS on us-west-2: 1 of 2 resolvers, 3 s of 10 s │ api 20.0 req/s 0.0 % err us-west-2 100 %`.
 * The figures are the console's (one reading of the samples for both).
 */
export function describeStatus(live: LiveRun | undefined, now: number): string {
  if (live === undefined) return 'preparing…';
  const progress = live.current();
  const step = progress === undefined ? 'between steps' : `${progress.step}: ${describeProgress(progress, now)}`;
  const traffic = recentTraffic(live.timeline.samples, now).map((service) => {
    const regions = service.regions.map((share) => `${share.region} ${share.percent.toFixed(0)} %`).join(' ');
    return `${service.service} ${service.rate.toFixed(1)} req/s ${service.errorPercent.toFixed(1)} % err${regions === '' ? '' : ` ${regions}`}`;
  });
  const deadline = live.faultDeadline();
  const fault = deadline === undefined ? '' : ` │ fault out within ${formatDuration(Math.max(0, Math.round((deadline - now) / 1000)) * 1000)}`;
  return `${step} │ ${traffic.length === 0 ? 'no requests' : traffic.join(' · ')}${fault}`;
}
