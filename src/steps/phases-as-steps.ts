import type { z } from 'zod';
import type { phasesSchema } from '../drill/drill-schema.ts';
import { faultName } from '../drill/fault-name.ts';
import type { FaultSpec } from '../injectors/injector-registry.ts';
import type { Step } from './step-registry.ts';

type Phases = z.output<typeof phasesSchema>;

/**
 * A `phases` drill as the steps it always was: the baseline held, every fault injected (a
 * staggered one `after` its delay from the first), all of them verified, the recovery held,
 * everything reverted, the settle held. The steady-state check runs before the first injection,
 * as in every drill. Step names are the phases'.
 */
export function phasesAsSteps(phases: Phases, faults: readonly FaultSpec[]): Step[] {
  return [
    { step: 'hold', name: 'baseline', duration: phases.baseline },
    ...faults.map((fault, index): Step => {
      const name = faultName(fault, index);
      return {
        step: 'inject',
        name: `inject-${name}`,
        fault: name,
        verifyWithin: phases.verifyTimeout,
        deferVerify: true,
        ...(fault.after === undefined ? {} : { after: fault.after }),
      };
    }),
    { step: 'verify', name: 'verify', within: phases.verifyTimeout },
    { step: 'hold', name: 'recovery', duration: phases.recovery },
    { step: 'revert', name: 'revert', fault: 'all' },
    { step: 'hold', name: 'settle', duration: phases.settle },
  ];
}
