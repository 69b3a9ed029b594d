import type { Verdict } from '../assertions/verdict.ts';

/** The baseline was not healthy, so the drill stopped before injecting anything (exit 3). */
export class SteadyStateError extends Error {
  override readonly name = 'SteadyStateError';
  /** The check that stopped the drill: it belongs in the run's verdicts. */
  readonly verdict: Verdict;

  constructor(message: string, verdict: Verdict) {
    super(message);
    this.verdict = verdict;
  }
}
