import type { RampStage } from './load-engine.ts';

/**
 * When each request of an open-model load is due, as an offset in ms from the start: request 0 at 0,
 * request i when the cumulative number of arrivals reaches i. A constant rate spaces requests 1/rate
 * apart; a ramp moves the rate linearly from stage to stage (k6's ramping-arrival-rate), so the
 * cumulative count is piecewise quadratic and each due time is one square root away.
 */
export class ArrivalSchedule {
  /** Requests due before the end (not capped by maxRequests; the engine applies that). */
  readonly total: number;
  /** How long the schedule lasts (ms): the plan's duration, or the ramp's if shorter. */
  readonly durationMs: number;
  readonly #intervalMs: number;
  /** Per stage: start offset (ms), start rate, end rate (per s), length (ms), arrivals before it. */
  readonly #stages: { startMs: number; from: number; to: number; lengthMs: number; before: number }[] = [];

  /**
   * @param rate requests per second (the starting rate when `ramp` is given)
   * @param durationMs how long to offer load
   * @param ramp stages moving the rate linearly to each stage's target
   */
  constructor(rate: number, durationMs: number, ramp?: readonly RampStage[]) {
    this.#intervalMs = 1000 / rate;
    if (ramp === undefined || ramp.length === 0) {
      this.durationMs = durationMs;
      // Request i is scheduled when i/rate < duration; the epsilon keeps 1000 ms at 100/s at 100.
      this.total = Math.max(0, Math.ceil((durationMs * rate) / 1000 - 1e-9));
      return;
    }
    let startMs = 0;
    let from = rate;
    let before = 0;
    for (const stage of ramp) {
      if (startMs >= durationMs) break;
      const lengthMs = Math.min(stage.durationMs, durationMs - startMs);
      // A stage cut short by the duration ends at the rate it had reached by then.
      const to = from + ((stage.target - from) * lengthMs) / stage.durationMs;
      this.#stages.push({ startMs, from, to, lengthMs, before });
      before += ((from + to) / 2) * (lengthMs / 1000);
      startMs += lengthMs;
      from = to;
    }
    this.durationMs = startMs;
    // Summed stage areas carry float error; a millionth of a request is not a request.
    this.total = Math.max(0, Math.ceil(before - 1e-6));
  }

  /** Offset (ms from the start) at which request `i` is due. */
  offsetMs(i: number): number {
    const stages = this.#stages;
    if (stages.length === 0) return i * this.#intervalMs;
    let k = stages.length - 1;
    while (k > 0 && (stages[k]?.before ?? 0) > i) k--;
    const stage = stages[k];
    if (stage === undefined) return 0;
    const n = i - stage.before;
    const seconds = stage.lengthMs / 1000;
    const slope = (stage.to - stage.from) / seconds;
    let tau: number;
    if (Math.abs(slope) < 1e-12) {
      tau = stage.from > 0 ? n / stage.from : seconds;
    } else {
      // n = from·τ + slope·τ²/2  →  τ = (√(from² + 2·slope·n) − from) / slope
      const discriminant = stage.from * stage.from + 2 * slope * n;
      tau = discriminant < 0 ? seconds : (Math.sqrt(discriminant) - stage.from) / slope;
    }
    return stage.startMs + Math.min(Math.max(tau, 0), seconds) * 1000;
  }
}
