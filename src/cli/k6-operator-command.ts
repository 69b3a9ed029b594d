import { sandboxTopologyOf } from './drill-topology.ts';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadDrill } from '../drill/load-drill.ts';
import { DEFAULT_K6_SCRIPT, k6ScriptEnv } from '../load/k6-engine.ts';
import { k6OperatorManifest } from '../load/k6-operator-manifest.ts';
import { loadTargetsOf } from '../load/load-plan-check.ts';
import { requestVariables } from '../load/load-request.ts';
import { buildLoadPlan } from '../runner/run-drill.ts';
import type { CliIo } from './cli-io.ts';
import { resolveEnvironment } from './resolve-environment.ts';

export interface K6OperatorCommandOptions {
  readonly file: string;
  /** Environment whose service URLs the runners load, as for `drdrill run --env`; default sandbox. */
  readonly env?: string;
  readonly sandboxUrl?: string;
  /** Folder environment names are looked up in. @default 'drills/environments' */
  readonly environments?: string;
  readonly namespace?: string;
  /** PersistentVolumeClaim for the runners' NDJSON; default `<drill>-results`. */
  readonly claim?: string;
}

/**
 * `drdrill k6-operator <drill>`: prints a k6-operator manifest (YAML: the script's ConfigMap and a
 * TestRun with `load.k6.instances` runners) that offers the drill's load from a cluster, each runner
 * writing NDJSON to the claim; request credentials (`fromEnv` headers) come from the Secret
 * `<drill>-load-credentials`, named in a comment at the top. Changes nothing. Exit 0, or 2 for a bad drill or environment.
 */
export async function k6OperatorCommand(options: K6OperatorCommandOptions, io: CliIo): Promise<number> {
  const loaded = await loadDrill(options.file);
  const { drill } = loaded;
  const resolved = await resolveEnvironment(options.env ?? 'sandbox', options.sandboxUrl, undefined, options.environments, sandboxTopologyOf([loaded]));
  try {
    const plan = buildLoadPlan(drill, resolved.environment, undefined);
    const targets = loadTargetsOf(plan);
    const variables = requestVariables(targets.map((target) => target.request));
    io.out(
      k6OperatorManifest({
        name: drill.name,
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        parallelism: drill.load.k6?.instances ?? 1,
        scriptFile: basename(DEFAULT_K6_SCRIPT),
        scriptText: readFileSync(DEFAULT_K6_SCRIPT, 'utf8'),
        scriptEnv: k6ScriptEnv(plan, targets, { tags: { drill: drill.name } }),
        resultsClaim: options.claim ?? `${drill.name}-results`,
        ...(variables.length === 0 ? {} : { credentials: { secret: `${drill.name}-load-credentials`, variables } }),
      }),
    );
    return 0;
  } finally {
    await resolved.embedded?.close();
  }
}
