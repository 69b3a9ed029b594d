import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AwsClients } from '../aws/aws-clients.ts';
import { checkCredentials } from '../aws/credentials-error.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { discoverEnvironment, type DiscoverOptions } from '../discover/discover-environment.ts';
import type { Sourced } from '../discover/discovered-environment.ts';
import { renderEnvironment } from '../discover/render-environment.ts';
import { EXIT_CODES } from '../runner/run-record.ts';
import { sandboxEnvironment } from '../sandbox/sandbox-environment.ts';
import type { CliIo } from './cli-io.ts';
import { describeSandbox } from './resolve-environment.ts';
import { environmentInput } from '../sandbox/sandbox-environment-input.ts';

export interface DiscoverCommandOptions {
  readonly record: string | undefined;
  readonly envName: string | undefined;
  /** Folder the file is written to: `<environments>/<env-name>.ts`. */
  readonly environments: string;
  readonly zone?: string;
  readonly profile?: string;
  /** `--regions <primary>,<secondary>`, for records holding plain addresses. */
  readonly regions?: string;
  readonly sandboxUrl?: string;
}

const FROM_SANDBOX = 'sandbox /_sandbox/describe (where it listens; not an AWS call)';

/**
 * `drdrill discover`: writes `<environments>/<env-name>.ts` from what the account (or a running
 * sandbox, with --sandbox-url) already has behind a record. Read-only; never overwrites.
 */
export async function discoverCommand(options: DiscoverCommandOptions, io: CliIo): Promise<number> {
  const record = required('--record', options.record, 'the record clients resolve, e.g. --record api.example.com');
  const envName = required('--env-name', options.envName, 'a name for the environment, e.g. --env-name staging');
  if (!/^[\w.-]+$/.test(envName)) throw new InvalidInputError('--env-name', [`--env-name: expected letters, digits, ".", "-" or "_" (it names a file), got "${envName}"`]);
  const regions = parseRegions(options.regions);
  const file = path.join(options.environments, `${envName}.ts`);
  const sandbox = options.sandboxUrl === undefined ? undefined : await sandboxFacts(options.sandboxUrl);
  const target = sandbox?.endpoint === undefined ? { kind: 'aws' as const, ...(options.profile === undefined ? {} : { profile: options.profile }) } : { kind: 'sandbox' as const, endpoint: sandbox.endpoint };
  const clients = AwsClients.forEnvironment(target);
  try {
    if (target.kind === 'aws') await checkCredentials(clients, 'us-east-1', options.profile);
    const found = await discoverEnvironment(clients, {
      record,
      envName,
      kind: target.kind,
      ...(options.zone === undefined ? {} : { zone: options.zone }),
      ...(regions === undefined ? {} : { regions }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(sandbox === undefined ? {} : { connection: sandbox.connection, dnsResolvers: sandbox.dnsResolvers, regionsByAddress: sandbox.regionsByAddress }),
    } satisfies DiscoverOptions);
    const command = ['drdrill discover', `--record ${record}`, `--env-name ${envName}`, ...(options.zone === undefined ? [] : [`--zone ${options.zone}`]), ...(options.regions === undefined ? [] : [`--regions ${options.regions}`])].join(' ');
    await mkdir(path.dirname(file), { recursive: true });
    try {
      await writeFile(file, renderEnvironment(found, command), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new InvalidInputError('--env-name', [`--env-name: ${file} exists; drdrill discover never overwrites: move it aside or choose another name`]);
      throw error;
    }
    io.out(`drdrill discover: wrote ${file} from ${found.calls.length} read calls (${found.todos.length} TODO${found.todos.length === 1 ? '' : 's'})`);
    for (const todo of found.todos) io.out(`  TODO ${todo}`);
    return EXIT_CODES.passed;
  } finally {
    clients.destroy();
  }
}

interface SandboxFacts {
  readonly endpoint: string;
  readonly connection: readonly Sourced<[string, unknown]>[];
  readonly dnsResolvers: Sourced<readonly string[]>;
  readonly regionsByAddress: Sourced<Readonly<Record<string, string>>>;
}

/** What a sandbox says about where it listens: the same facts its own environment is built from. */
async function sandboxFacts(url: string): Promise<SandboxFacts> {
  const description = await describeSandbox(url);
  // Written back into a file, so durations carry their unit.
  const own = environmentInput(sandboxEnvironment(description));
  const fact = (field: string, value: unknown): Sourced<[string, unknown]> => ({ value: [field, value], from: FROM_SANDBOX });
  return {
    endpoint: description.controlPlaneUrl,
    connection: [
      fact('endpoint', own.endpoint),
      fact('timeScale', own.timeScale),
      fact('loadResolver', own.loadResolver),
      ...(own.deadMansSwitch === undefined ? [] : [fact('deadMansSwitch', own.deadMansSwitch)]),
      ...(own.arc === undefined ? [] : [fact('arc', own.arc)]),
    ],
    dnsResolvers: { value: own.dnsResolvers, from: FROM_SANDBOX },
    regionsByAddress: { value: Object.fromEntries(description.regions.map((r) => [r.address, r.name])), from: FROM_SANDBOX },
  };
}

function required(flag: string, value: string | undefined, hint: string): string {
  if (value === undefined || value.trim() === '') throw new InvalidInputError(`drdrill discover ${flag}`, [`${flag}: required (${hint})`]);
  return value.trim();
}

function parseRegions(value: string | undefined): readonly [string, string] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((part) => part.trim());
  const [primary, secondary] = parts;
  if (parts.length !== 2 || primary === undefined || secondary === undefined || parts.some((part) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(part))) {
    throw new InvalidInputError('--regions', [`--regions: expected "<primary>,<secondary>" AWS regions such as "us-east-1,us-west-2", got "${value}"`]);
  }
  return [primary, secondary];
}
