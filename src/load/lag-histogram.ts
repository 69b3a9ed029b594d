const BUCKET_MS = 0.05;
const BUCKETS = 20_000; // 0.05 ms resolution up to 1 s; anything later lands in the last bucket

/**
 * Scheduling lag distribution in fixed buckets: constant memory and O(1) per request, so an engine
 * can report a p99 for millions of requests without keeping them.
 */
export class LagHistogram {
  readonly #counts = new Uint32Array(BUCKETS);
  #count = 0;
  #max = 0;

  record(lagMs: number): void {
    const lag = lagMs > 0 ? lagMs : 0;
    if (lag > this.#max) this.#max = lag;
    const bucket = Math.min(BUCKETS - 1, Math.floor(lag / BUCKET_MS));
    this.#counts[bucket] = (this.#counts[bucket] ?? 0) + 1;
    this.#count++;
  }

  get count(): number {
    return this.#count;
  }

  get max(): number {
    return this.#max;
  }

  /** Upper edge of the bucket holding quantile q (0..1), capped at the largest lag seen; 0 when empty. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.ceil(q * this.#count);
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.#counts[bucket] ?? 0;
      // The last bucket holds everything beyond 1 s: only the maximum is known there.
      if (seen >= rank) return bucket === BUCKETS - 1 ? this.#max : Math.min(this.#max, (bucket + 1) * BUCKET_MS);
    }
    return this.#max;
  }

  /** Adds another histogram's counts into this one (several targets, one summary). */
  merge(other: LagHistogram): void {
    for (let bucket = 0; bucket < BUCKETS; bucket++) this.#counts[bucket] = (this.#counts[bucket] ?? 0) + (other.#counts[bucket] ?? 0);
    this.#count += other.#count;
    if (other.#max > this.#max) this.#max = other.#max;
  }
}
