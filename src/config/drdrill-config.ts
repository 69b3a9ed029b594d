import { z } from 'zod';

/** Report files a run may write besides run.json and manifest.sha256, which are always written (they are the evidence). */
export const REPORTERS = ['html', 'junit', 'markdown', 'samples'] as const;
export type Reporter = (typeof REPORTERS)[number];

const folder = z.string().min(1, 'expected a folder path');

/** `drdrill.config.ts`: where a repository keeps its drills, environments, reports and state. */
export const configSchema = z.strictObject({
  /** Folder `drdrill list` reads. @default 'drills' */
  drills: folder.default('drills'),
  /** Folder `--env <name>` loads `<name>.ts` from, and `drdrill discover` writes to. @default 'drills/environments' */
  environments: folder.default('drills/environments'),
  /** Where `drdrill run` writes reports/<drill>/<run-id>/. @default 'reports' */
  reports: folder.default('reports'),
  /** Where run journals live (`drdrill recover` reads them). @default '.drdrill' */
  state: folder.default('.drdrill'),
  /** `--env` when none is given: `sandbox` or an environment name. @default 'sandbox' */
  defaultEnvironment: z.string().min(1, 'expected an environment name').default('sandbox'),
  /** Report files each run writes. @default every one of REPORTERS */
  reporters: z
    .array(z.enum(REPORTERS, { error: (issue) => `expected one of ${REPORTERS.join(', ')}, got ${JSON.stringify(issue.input)}` }))
    .default([...REPORTERS]),
});

export type DrdrillConfigInput = z.input<typeof configSchema>;
export type DrdrillConfig = z.output<typeof configSchema>;

/**
 * Identity function that gives `drdrill.config.ts` its type; every field is optional.
 *
 * @example
 * export const config = defineConfig({ defaultEnvironment: 'staging', reports: 'out/drills' });
 */
export function defineConfig(config: DrdrillConfigInput): DrdrillConfigInput {
  return config;
}
