import type { MutableSample, Sample } from './sample.ts';

const INITIAL_CAPACITY = 4096;
const NONE = 0;

/**
 * Interns short repeated strings (regions, addresses, error codes) to small integers so a
 * sample column can hold an index instead of a string. Index 0 means "none".
 */
class StringTable {
  readonly #values: string[] = [''];
  readonly #indexes = new Map<string, number>();

  /**
   * The last two values interned and their indexes: consecutive samples mostly repeat a value, or
   * take turns between two (the regions of a two-region service).
   */
  #lastValue: string | undefined;
  #lastIndex = NONE;
  #previousValue: string | undefined;
  #previousIndex = NONE;

  intern(value: string | undefined): number {
    if (value === undefined) return NONE;
    if (value === this.#lastValue) return this.#lastIndex;
    const index = value === this.#previousValue ? this.#previousIndex : this.#lookupOrAdd(value);
    this.#previousValue = this.#lastValue;
    this.#previousIndex = this.#lastIndex;
    this.#lastValue = value;
    this.#lastIndex = index;
    return index;
  }

  #lookupOrAdd(value: string): number {
    const known = this.#indexes.get(value);
    if (known !== undefined) return known;
    const index = this.#values.length;
    if (index > 0xffff) throw new RangeError('more than 65535 distinct values in one sample column');
    this.#values.push(value);
    this.#indexes.set(value, index);
    return index;
  }

  lookup(index: number): string | undefined {
    return index === NONE ? undefined : this.#values[index];
  }

  get values(): readonly string[] {
    return this.#values.slice(1);
  }
}

/** Samples per block once the store has outgrown its first one (a power of two: index by shift and mask). */
const BLOCK_BITS = 16;
const BLOCK_SAMPLES = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_SAMPLES - 1;

/** One block of samples, a typed array per column. */
class Block {
  readonly start: Float64Array;
  readonly latency: Float32Array;
  readonly status: Uint16Array;
  readonly error: Uint16Array;
  readonly region: Uint16Array;
  readonly address: Uint16Array;
  readonly target: Uint16Array;
  readonly cohort: Uint16Array;

  constructor(capacity: number, from?: Block) {
    this.start = new Float64Array(capacity);
    this.latency = new Float32Array(capacity);
    this.status = new Uint16Array(capacity);
    this.error = new Uint16Array(capacity);
    this.region = new Uint16Array(capacity);
    this.address = new Uint16Array(capacity);
    this.target = new Uint16Array(capacity);
    this.cohort = new Uint16Array(capacity);
    if (from !== undefined) {
      this.start.set(from.start);
      this.latency.set(from.latency);
      this.status.set(from.status);
      this.error.set(from.error);
      this.region.set(from.region);
      this.address.set(from.address);
      this.target.set(from.target);
      this.cohort.set(from.cohort);
    }
  }

  get capacity(): number {
    return this.start.length;
  }

  get byteLength(): number {
    return this.capacity * BYTES_PER_SAMPLE;
  }
}

/** Bytes one sample takes in the columns: start 8, latency 4, six 2-byte columns. */
const BYTES_PER_SAMPLE = 8 + 4 + 6 * 2;

/**
 * Samples in columns (typed arrays), 24 bytes a request instead of a few hundred for an object: a
 * one-hour game day at 500 req/s is 1.8 M samples, roughly 43 MB here. The first block doubles
 * (copied) up to 65,536 samples, then blocks of that size are added and never copied, so growing
 * never holds an old and a new copy of everything at once.
 */
export class SampleStore {
  #length = 0;
  #capacity: number;
  readonly #blocks: Block[];
  readonly #errors = new StringTable();
  readonly #regions = new StringTable();
  readonly #addresses = new StringTable();
  readonly #targets = new StringTable();
  readonly #cohorts = new StringTable();

  constructor(capacity = INITIAL_CAPACITY) {
    this.#capacity = Math.min(BLOCK_SAMPLES, 2 ** Math.ceil(Math.log2(Math.max(16, capacity))));
    this.#blocks = [new Block(this.#capacity)];
  }

  get length(): number {
    return this.#length;
  }

  push(sample: Sample): void {
    if (this.#length === this.#capacity) this.#grow();
    const i = this.#length++;
    const block = this.#blocks[i >>> BLOCK_BITS]!;
    const at = i & BLOCK_MASK;
    block.start[at] = sample.start;
    block.latency[at] = sample.latencyMs;
    block.status[at] = sample.status;
    block.error[at] = this.#errors.intern(sample.error);
    block.region[at] = this.#regions.intern(sample.region);
    block.address[at] = this.#addresses.intern(sample.address);
    block.target[at] = this.#targets.intern(sample.target);
    block.cohort[at] = this.#cohorts.intern(sample.cohort);
  }

  /** The block sample i is in, or undefined outside the store. */
  #block(i: number): Block | undefined {
    return i >= 0 && i < this.#length ? this.#blocks[i >>> BLOCK_BITS] : undefined;
  }

  /** Start time (epoch ms) of sample i, without building an object. */
  startAt(i: number): number {
    return this.#block(i)?.start[i & BLOCK_MASK] ?? Number.NaN;
  }

  /** HTTP status of sample i (0 = transport error), without building an object. */
  statusAt(i: number): number {
    return this.#block(i)?.status[i & BLOCK_MASK] ?? 0;
  }

  latencyAt(i: number): number {
    return this.#block(i)?.latency[i & BLOCK_MASK] ?? Number.NaN;
  }

  regionAt(i: number): string | undefined {
    return this.#regions.lookup(this.#block(i)?.region[i & BLOCK_MASK] ?? NONE);
  }

  cohortAt(i: number): string | undefined {
    return this.#cohorts.lookup(this.#block(i)?.cohort[i & BLOCK_MASK] ?? NONE);
  }

  /** The service (load target) sample i was sent to, when the load names one. */
  targetAt(i: number): string | undefined {
    return this.#targets.lookup(this.#block(i)?.target[i & BLOCK_MASK] ?? NONE);
  }

  /** Target (service) names in first-seen order. */
  get targets(): readonly string[] {
    return this.#targets.values;
  }

  /** Cohort names in first-seen order. */
  get cohorts(): readonly string[] {
    return this.#cohorts.values;
  }

  errorAt(i: number): string | undefined {
    return this.#errors.lookup(this.#block(i)?.error[i & BLOCK_MASK] ?? NONE);
  }

  get(i: number): Sample {
    const block = this.#block(i);
    if (block === undefined) throw new RangeError(`sample index ${i} outside 0..${this.#length - 1}`);
    const at = i & BLOCK_MASK;
    const sample: MutableSample = { start: block.start[at] ?? 0, latencyMs: block.latency[at] ?? 0, status: block.status[at] ?? 0 };
    const error = this.#errors.lookup(block.error[at] ?? NONE);
    const region = this.#regions.lookup(block.region[at] ?? NONE);
    const address = this.#addresses.lookup(block.address[at] ?? NONE);
    const target = this.#targets.lookup(block.target[at] ?? NONE);
    const cohort = this.#cohorts.lookup(block.cohort[at] ?? NONE);
    if (error !== undefined) sample.error = error;
    if (region !== undefined) sample.region = region;
    if (address !== undefined) sample.address = address;
    if (target !== undefined) sample.target = target;
    if (cohort !== undefined) sample.cohort = cohort;
    return sample;
  }

  *[Symbol.iterator](): IterableIterator<Sample> {
    for (let i = 0; i < this.#length; i++) yield this.get(i);
  }

  /** Bytes held by the columns (not counting the small string tables). */
  get byteLength(): number {
    let bytes = 0;
    for (const block of this.#blocks) bytes += block.byteLength;
    return bytes;
  }

  #grow(): void {
    const first = this.#blocks[0]!;
    if (this.#blocks.length === 1 && first.capacity < BLOCK_SAMPLES) {
      this.#blocks[0] = new Block(Math.min(BLOCK_SAMPLES, first.capacity * 2), first);
      this.#capacity = this.#blocks[0].capacity;
      return;
    }
    this.#blocks.push(new Block(BLOCK_SAMPLES));
    this.#capacity += BLOCK_SAMPLES;
  }
}
