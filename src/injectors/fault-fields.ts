import { z } from 'zod';
import { boundedDuration } from '../drill/bounded-duration.ts';

/**
 * Fields every fault takes besides its injector's own: a `name` later parts of the drill refer to
 * (an assertion's `fault`, the timeline), and `after`, how long after the fault phase starts it
 * goes in, so a cascade can fail one region and then the next.
 */
export const faultFields = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lowercase letters, digits and dashes, e.g. "fail-eu-central-1"')
    .optional(),
  after: boundedDuration({ min: 0 }).optional(),
};
