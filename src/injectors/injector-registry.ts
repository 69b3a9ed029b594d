import { z } from 'zod';
import type { FaultHandle, InjectorDefinition } from './injector.ts';
import { lambdaThrottle, lambdaThrottleSpecSchema } from './lambda-throttle.ts';

/** Every fault a drill can list, told apart by its `injector` field. */
export const faultSchema = z.discriminatedUnion('injector', [lambdaThrottleSpecSchema]);
export type FaultSpec = z.output<typeof faultSchema>;

/**
 * Injectors by kind. Typed loosely on purpose: callers pair a spec or a journaled handle with
 * the injector named in it, and the spec schema has already checked the shape.
 */
const INJECTORS: ReadonlyMap<string, InjectorDefinition<FaultSpec, FaultHandle>> = new Map([
  [lambdaThrottle.kind, lambdaThrottle as unknown as InjectorDefinition<FaultSpec, FaultHandle>],
]);

export function injectorFor(kind: string): InjectorDefinition<FaultSpec, FaultHandle> {
  const injector = INJECTORS.get(kind);
  if (injector === undefined) {
    throw new Error(`unknown injector "${kind}"; known: ${[...INJECTORS.keys()].join(', ')}`);
  }
  return injector;
}
