import { sandboxTopologyOf } from './drill-topology.ts';
import { loadDrill } from '../drill/load-drill.ts';
import { deriveIamPolicy } from '../iam/derive-iam-policy.ts';
import { TargetNotFoundError } from '../injectors/injector.ts';
import { missingTargetInput } from '../runner/check-environment-ids.ts';
import type { CliIo } from './cli-io.ts';
import { resolveEnvironment } from './resolve-environment.ts';

export interface IamPolicyCommandOptions {
  readonly file: string;
  /** `sandbox` (the default) or an environment name / file, as for `drdrill run --env`. */
  readonly env?: string;
  readonly sandboxUrl?: string;
  /** Folder environment names are looked up in. @default 'drills/environments' */
  readonly environments?: string;
}

/**
 * `drdrill iam-policy <drill>`: prints the least-privilege IAM policy (JSON) the drill needs in
 * the chosen environment, derived from its faults and observers without calling AWS. Exit 0,
 * or 2 when the drill or environment is invalid or names a resource the environment lacks.
 */
export async function iamPolicyCommand(options: IamPolicyCommandOptions, io: CliIo): Promise<number> {
  const loaded = await loadDrill(options.file);
  const { drill, file } = loaded;
  const resolved = await resolveEnvironment(options.env ?? 'sandbox', options.sandboxUrl, undefined, options.environments, sandboxTopologyOf([loaded]));
  try {
    io.out(JSON.stringify(deriveIamPolicy(drill, resolved.environment), null, 2));
    return 0;
  } catch (error) {
    if (error instanceof TargetNotFoundError) throw missingTargetInput(error, { environment: resolved.environment, environmentSource: resolved.source, drillFile: file });
    throw error;
  } finally {
    await resolved.embedded?.close();
  }
}
