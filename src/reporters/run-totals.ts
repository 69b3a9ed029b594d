import type { SampleStore } from '../load/sample-store.ts';
import { isErrorSample } from '../load/sample.ts';
import type { RunTotals, ServiceTotals } from '../runner/run-record.ts';

/**
 * Requests and errors of the whole run and, when the samples name more than one target
 * (service), of each service: counted once, for run.json, so the console, markdown and HTML print
 * the same numbers (error rates are headline figures, see measureHeadlineFigures).
 */
export function runTotals(samples: SampleStore): RunTotals {
  const services = samples.targets;
  const perService = new Map<string, { requests: number; errors: number }>(services.map((name) => [name, { requests: 0, errors: 0 }]));
  let errors = 0;
  for (let i = 0; i < samples.length; i++) {
    const error = isErrorSample({ status: samples.statusAt(i) });
    if (error) errors++;
    if (services.length < 2) continue;
    const counts = perService.get(samples.targetAt(i) ?? '');
    if (counts === undefined) continue;
    counts.requests++;
    if (error) counts.errors++;
  }
  if (services.length < 2) return { requests: samples.length, errors };
  const byService: Record<string, ServiceTotals> = Object.fromEntries(perService);
  return { requests: samples.length, errors, byService };
}
