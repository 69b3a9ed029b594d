import type { AddressMapping, DnsObservation } from '../runner/timeline.ts';

/** The regions one DNS answer pointed at, and the addresses that pointed nowhere known. */
export interface AnswerRegions {
  /** Distinct regions, in the order the answer named them. */
  readonly regions: readonly string[];
  /** Addresses that mapped to no region. */
  readonly unidentified: readonly string[];
}

/**
 * The one way to read an observation's regions: what was identified when it was observed
 * (`observation.regions`), else, for records written before identification existed, each
 * address looked up in the environment's static `regionsByAddress`.
 */
export function answerRegions(observation: DnsObservation, regionsByAddress: Readonly<Record<string, string>>): AnswerRegions {
  if (observation.regions !== undefined) return { regions: observation.regions, unidentified: observation.unidentified ?? [] };
  const regions: string[] = [];
  const unidentified: string[] = [];
  for (const address of observation.addresses) {
    const region = regionsByAddress[address];
    if (region === undefined) unidentified.push(address);
    else if (!regions.includes(region)) regions.push(region);
  }
  return { regions, unidentified };
}

/** True when the answer has addresses and every one of them is on `region`. */
export function isAnswerOn(observation: DnsObservation, regionsByAddress: Readonly<Record<string, string>>, region: string): boolean {
  if (observation.addresses.length === 0) return false;
  const { regions, unidentified } = answerRegions(observation, regionsByAddress);
  return unidentified.length === 0 && regions.length > 0 && regions.every((each) => each === region);
}

/** The answer in words: its regions and unidentified addresses (`eu-west-1+10.0.0.9`), or its rcode when empty. */
export function describeAnswer(observation: DnsObservation, regionsByAddress: Readonly<Record<string, string>>): string {
  if (observation.addresses.length === 0) return observation.rcode;
  const { regions, unidentified } = answerRegions(observation, regionsByAddress);
  return [...regions, ...unidentified].join('+');
}

/** What tells regions apart in a run: a Timeline while it runs, a RunRecord after. */
export interface RegionEvidence {
  readonly dns: readonly DnsObservation[];
  readonly regionsByAddress: Readonly<Record<string, string>>;
  readonly addressMappings?: readonly AddressMapping[];
}

/**
 * Every region the run could recognise in an answer: the static map's, those the identifier
 * mapped addresses to, and those identified in any answer.
 */
export function knownRegions(timeline: RegionEvidence): Set<string> {
  const known = new Set(Object.values(timeline.regionsByAddress));
  for (const mapping of timeline.addressMappings ?? []) if (mapping.addresses.length > 0) known.add(mapping.region);
  for (const observation of timeline.dns) for (const region of observation.regions ?? []) known.add(region);
  return known;
}
