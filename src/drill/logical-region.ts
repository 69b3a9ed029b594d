import { z } from 'zod';

/**
 * Drills name regions by role, never by AWS name, so the same drill runs against the sandbox
 * and any account: the environment says which AWS region is primary.
 */
export const logicalRegionSchema = z.enum(['primary', 'secondary']);
export type LogicalRegion = z.infer<typeof logicalRegionSchema>;
