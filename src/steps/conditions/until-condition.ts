import type { z } from 'zod';
import type { AssertionContext } from '../../assertions/assertion-context.ts';
import type { RegionRef } from '../../drill/region-ref.ts';
import type { Timeline } from '../../runner/timeline.ts';

/** What an until's condition shows now. */
export interface ConditionReading {
  readonly met: boolean;
  /** What is observed now, in words: `1 of 2 resolvers on us-west-2`. */
  readonly observed: string;
}

/** When a condition is read: since the until started, as of now. */
export interface ConditionWindow {
  readonly since: number;
  readonly now: number;
}

/** A region a condition names, checked against its service's chain when the drill is validated. */
export interface ConditionRegion {
  readonly region: RegionRef | undefined;
  readonly service: string | undefined;
}

/**
 * One kind of `until` condition (`dns`, `traffic`, …): its options, and how it reads the live
 * Timeline — through the assertions' own code, so a condition and an assertion over the same
 * observations can never disagree.
 */
export interface UntilCondition<Options> {
  /** The key the condition is written under in an until step, e.g. `dns`. */
  readonly key: string;
  readonly schema: z.ZodType<Options, unknown>;
  /** What is awaited, in words: `DNS on us-west-2 (all resolvers)`. */
  describe(options: Options, context: AssertionContext | undefined): string;
  read(timeline: Timeline, options: Options, context: AssertionContext, window: ConditionWindow): ConditionReading;
  /** The region and service the condition names, for the drill's reference checks. */
  references(options: Options): ConditionRegion;
}
