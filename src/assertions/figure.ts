import { formatDuration } from '../drill/duration.ts';
import { formatRate, formatTimeWithResolution } from './verdict-format.ts';

/**
 * One headline number of a run (RTO and its parts, DNS convergence, failback, the error rate of a
 * named window), measured once by the assertion code and stored once, in run.json's `figures`.
 * Every output (console, index.html, junit.xml, summary.md, the history page) prints it from
 * there, through `formatFigure`, so no two outputs can disagree about it.
 */
export interface Figure {
  /**
   * Stable key, named for what and where: `rto`, `rto.detect`, `rto.shift`, `dns.convergence`,
   * `failback.dns`, `errorRate.run`, `errorRate.fault`…; a cohort's figure ends in `[cohort]`
   * (`rto[jvm]`), a second assertion measuring the same thing in `#2`.
   */
  readonly name: string;
  /** For people: `RTO`, `Error rate (phase recovery)`. */
  readonly label: string;
  /** The measurement; null when the thing measured never happened (clients never recovered). */
  readonly value: number | null;
  readonly unit: FigureUnit;
  /** What the number is, from which event to which, in one sentence. */
  readonly definition: string;
  /** The stretch of the run the number was measured over (epoch ms). */
  readonly window?: { readonly from: number; readonly to: number };
  /** Uncertainty of a time figure (ms): the probe interval, the request spacing. */
  readonly resolutionMs?: number;
  /** The client cohort whose requests alone were measured. */
  readonly cohort?: string;
  /** The service measured, when the assertion named one (`service1:rto`). */
  readonly service?: string;
  /** What the cohort's DNS and connection model predicts for this figure (ms after the injection). */
  readonly expected?: { readonly fromMs: number; readonly toMs: number | null; readonly text: string };
  /** Display name of the verdict that measured it; absent when measured with default options. */
  readonly source?: string;
  /** The bounds the drill set for it, in its unit (a custom check's expected figure), when it set any. */
  readonly limit?: FigureLimit;
  /**
   * Why the thing measured does not happen in this kind of run (value null): a routing-control
   * flip moves traffic with every health check healthy, so there is no detection to time.
   */
  readonly inapplicable?: string;
}

/** Inclusive bounds on a figure's value; at least one is set. */
export interface FigureLimit {
  readonly min?: number;
  readonly max?: number;
}

/** `≤ 800 ms`, `≥ 99.00%`, `200 ms – 1 s`: a limit in the figure's unit. */
export function formatLimit(limit: FigureLimit, unit: FigureUnit): string {
  const text = (value: number): string => formatFigure({ value, unit });
  if (limit.min !== undefined && limit.max !== undefined) return `${text(limit.min)} – ${text(limit.max)}`;
  if (limit.max !== undefined) return `≤ ${text(limit.max)}`;
  return limit.min === undefined ? '—' : `≥ ${text(limit.min)}`;
}

/** Whether a measured value keeps within its limit (a value never measured does not). */
export function withinLimit(value: number | null, limit: FigureLimit): boolean {
  if (value === null) return false;
  return (limit.min === undefined || value >= limit.min) && (limit.max === undefined || value <= limit.max);
}

/** `count`: how many times something happened (flaps). */
export type FigureUnit = 'ms' | 'percent' | 'count';

/** The one text form of a figure, e.g. `2.87 s`, `15.09%`, `never`, `n/a`. */
export function formatFigure(figure: Pick<Figure, 'value' | 'unit' | 'inapplicable'>): string {
  if (figure.value === null && figure.inapplicable !== undefined) return 'n/a';
  if (figure.value === null) return figure.unit === 'ms' ? 'never' : '—';
  if (figure.unit === 'count') return String(figure.value);
  return figure.unit === 'ms' ? formatDuration(figure.value) : formatRate(figure.value);
}

/** `formatFigure` with its resolution, e.g. `2.87 s (±0.10 s)`, or why it does not apply. */
export function describeFigure(figure: Figure): string {
  if (figure.value === null && figure.inapplicable !== undefined) return `n/a (${figure.inapplicable})`;
  if (figure.value === null || figure.unit !== 'ms' || figure.resolutionMs === undefined) return formatFigure(figure);
  return formatTimeWithResolution(figure.value, figure.resolutionMs);
}

/** The figure called `name`, if the run measured it. */
export function figureNamed(figures: readonly Figure[] | undefined, name: string): Figure | undefined {
  return figures?.find((figure) => figure.name === name);
}
