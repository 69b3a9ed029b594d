import { z } from 'zod';
import { AWS_REGION_PATTERN, REGION_ROLES, resolveRegionRef } from '../drill/region-ref.ts';
import type { SampleStore } from '../load/sample-store.ts';
import { measureShare } from './region-share.ts';
import { formatRate } from './verdict-format.ts';

const KEY_EXPECTED = `expected a role (${REGION_ROLES.slice(0, 3).join(', ')}, …) or an AWS region name such as "us-west-2"`;

/**
 * A lowest share of requests per region, percent, for systems where several regions serve at once
 * (active-active): `{ primary: 40, secondary: 40 }`. Keys are roles or AWS region names, checked
 * against the service's chain before the run; the shares may not add up to more than 100.
 */
export const minSharesSchema = z
  .record(
    z.string(),
    z.number({ error: 'expected a share in percent, from 0 to 100' }).min(0, 'expected a share in percent, from 0 to 100').max(100, 'expected a share in percent, from 0 to 100'),
  )
  .superRefine((shares, ctx) => {
    // Checked here rather than on the key schema, so the message names the key and what was expected.
    for (const key of Object.keys(shares)) {
      if (!(REGION_ROLES as readonly string[]).includes(key) && !AWS_REGION_PATTERN.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: `${KEY_EXPECTED}, got ${JSON.stringify(key)}` });
    }
  })
  .refine((shares) => Object.keys(shares).length > 0, { error: 'expected a share for at least one region, e.g. { primary: 40, secondary: 40 }' })
  .refine((shares) => Object.values(shares).reduce((sum, share) => sum + share, 0) <= 100 + 1e-9, {
    error: (issue) => `expected shares adding up to at most 100 percent, got ${Object.values(issue.input as Record<string, number>).reduce((sum, share) => sum + share, 0)}`,
  });

export type MinShares = z.output<typeof minSharesSchema>;

/** One region's share of a stretch of requests, against its minimum. */
export interface RegionShareReading {
  readonly region: string;
  readonly minShare: number;
  /** Percent of every request in the stretch the region answered without error; null without requests. */
  readonly share: number | null;
  readonly met: boolean;
}

/** Each minimum with the AWS region its key names in `chain` (a key the chain lacks stays as written). */
export function resolveShares(minShares: MinShares, chain: readonly string[]): { readonly region: string; readonly minShare: number }[] {
  return Object.entries(minShares).map(([ref, minShare]) => ({ region: resolveRegionRef(ref, chain) ?? ref, minShare }));
}

/** `≥ 40.00% served by us-east-1, ≥ 40.00% served by us-west-2` */
export function describeMinShares(minShares: MinShares, chain: readonly string[]): string {
  return resolveShares(minShares, chain).map((r) => `≥ ${formatRate(r.minShare)} served by ${r.region}`).join(', ');
}

/**
 * Each region's share of the requests that started in `window` (errors count against every
 * region), against `minShares` resolved on `chain`. A region the chain lacks reads as no share.
 */
export function readShares(samples: SampleStore, window: { readonly from: number; readonly to: number }, minShares: MinShares, chain: readonly string[], firstIndex = 0): RegionShareReading[] {
  return resolveShares(minShares, chain).map(({ region, minShare }) => {
    const { requests, served } = measureShare(samples, window, region, firstIndex);
    const share = requests === 0 ? null : (served / requests) * 100;
    return { region, minShare, share, met: share !== null && share + 1e-9 >= minShare };
  });
}

/** `us-east-1 48.00% (≥ 40.00%), us-west-2 52.00% (≥ 40.00%)` */
export function describeShares(readings: readonly RegionShareReading[]): string {
  return readings.map((r) => `${r.region} ${r.share === null ? 'no requests' : formatRate(r.share)} (≥ ${formatRate(r.minShare)})`).join(', ');
}
