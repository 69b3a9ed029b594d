import { sandboxTopologyOf } from './drill-topology.ts';
import { homeRegion } from '../drill/environment.ts';
import { AwsClients } from '../aws/aws-clients.ts';
import { checkCredentials } from '../aws/credentials-error.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { loadDrill } from '../drill/load-drill.ts';
import { TargetNotFoundError } from '../injectors/injector.ts';
import { missingTargetInput } from '../runner/check-environment-ids.ts';
import { drillReferenceProblems } from '../runner/drill-references.ts';
import { planFaults } from '../runner/plan-faults.ts';
import type { CliIo } from './cli-io.ts';
import { resolveEnvironment } from './resolve-environment.ts';

/** `drdrill plan`: every change the drill would make, current → new, read live; changes nothing. */
export async function planCommand(
  options: { readonly file: string; readonly env: string; readonly environments?: string; readonly sandboxUrl?: string },
  io: CliIo,
): Promise<number> {
  const loaded = await loadDrill(options.file);
  const { drill, file } = loaded;
  const resolved = await resolveEnvironment(options.env, options.sandboxUrl, undefined, options.environments, sandboxTopologyOf([loaded]));
  const { environment } = resolved;
  const problems = drillReferenceProblems(drill, environment);
  if (problems.length > 0) {
    await resolved.embedded?.close();
    throw new InvalidInputError(file, problems);
  }
  const clients = AwsClients.forEnvironment(environment);
  try {
    if (environment.kind === 'aws') await checkCredentials(clients, homeRegion(environment), environment.profile);
    const changes = await planFaults(drill.faults, { environment, clients, defaultService: drill.service });
    io.out(`${drill.name} on ${environment.name} (${environment.kind}, account ${environment.accountId}) would change:`);
    for (const change of changes) io.out(`  ${change.target}: ${change.field} ${change.from} → ${change.to}`);
    return 0;
  } catch (error) {
    if (error instanceof TargetNotFoundError) throw missingTargetInput(error, { environment, environmentSource: resolved.source, drillFile: file });
    throw error;
  } finally {
    clients.destroy();
    await resolved.embedded?.close();
  }
}
