import { startSandbox } from '../sandbox/start-sandbox.ts';
import { loadTopology } from '../sandbox/topology/load-topology.ts';
import type { CliIo } from './cli-io.ts';
import { sandboxEvidenceKeyFile } from './resolve-environment.ts';

export interface SandboxCommandOptions {
  /** A topology file (`--topology`); validated whole before anything is bound. */
  readonly topologyFile?: string;
  readonly controlPlanePort?: number;
  readonly dnsPort?: number;
  readonly httpPort?: number;
}

/**
 * `drdrill sandbox up`: runs the sandbox until SIGINT/SIGTERM, after printing one JSON line
 * with its endpoints and resource ids so a person (or a test) can point the AWS CLI or dig at it.
 */
export async function sandboxUpCommand(options: SandboxCommandOptions, io: CliIo): Promise<number> {
  const topology = options.topologyFile === undefined ? undefined : (await loadTopology(options.topologyFile)).topology;
  const sandbox = await startSandbox({
    ...(topology === undefined ? {} : { topology }),
    evidenceKeyFile: sandboxEvidenceKeyFile(),
    ...(options.controlPlanePort === undefined ? {} : { controlPlanePort: options.controlPlanePort }),
    ...(options.dnsPort === undefined ? {} : { dnsPort: options.dnsPort }),
    ...(options.httpPort === undefined ? {} : { httpPort: options.httpPort }),
  });
  io.out(JSON.stringify(sandbox.description));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sandbox.close();
  return 0;
}
