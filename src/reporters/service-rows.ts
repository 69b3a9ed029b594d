import { figureNamed, formatFigure } from '../assertions/figure.ts';
import type { RunRecord } from '../runner/run-record.ts';

/** One loaded service as every report prints it. */
export interface ServiceRow {
  readonly service: string;
  readonly requests: number;
  readonly errors: number;
  /** The service's `errorRate.run` figure, formatted (`—` when the run did not measure it). */
  readonly errorRate: string;
}

/**
 * Each loaded service's requests and errors (run.json `totals.byService`) with its error rate
 * (the `<service>:errorRate.run` headline figure), for the HTML, markdown and console reports
 * alike; empty for a run that loaded one service.
 */
export function serviceRows(record: RunRecord): ServiceRow[] {
  return Object.entries(record.totals.byService ?? {}).map(([service, counts]) => {
    const rate = figureNamed(record.figures, `${service}:errorRate.run`);
    return { service, requests: counts.requests, errors: counts.errors, errorRate: rate === undefined ? '—' : formatFigure(rate) };
  });
}
