import { parseArgs } from 'node:util';
import { CredentialsError, findCredentialProblem } from '../aws/credentials-error.ts';
import { loadConfig } from '../config/load-config.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { LOAD_CHOICES, type LoadChoice } from '../load/select-engine.ts';
import { LockHeldError } from '../runner/lock-held-error.ts';
import { RunDeclinedError } from '../runner/run-declined-error.ts';
import { EXIT_CODES } from '../runner/run-record.ts';
import { TOOL_VERSION } from '../runner/tool-version.ts';
import type { CliIo } from './cli-io.ts';
import { COMMAND_HELP } from './command-help.ts';
import { discoverCommand } from './discover-command.ts';
import { initCommand } from './init-command.ts';
import { iamPolicyCommand } from './iam-policy-command.ts';
import { ingestCommand } from './ingest-command.ts';
import { k6OperatorCommand } from './k6-operator-command.ts';
import { listCommand } from './list-command.ts';
import { planCommand } from './plan-command.ts';
import { recoverCommand } from './recover-command.ts';
import { reportCommand } from './report-command.ts';
import { verifyCommand } from './verify-command.ts';
import { runCommand } from './run-command.ts';
import { sandboxUpCommand } from './sandbox-command.ts';

const USAGE = `usage: drdrill <command> [options]

commands:
  run <drill.ts...>     run drills: inject faults under load, assert, roll back, write reports
  plan <drill.ts>       show every change a drill would make, read live; changes nothing
  report <run-dir>      re-render index.html, junit.xml and summary.md from a verified run.json, and re-sign
  verify <run-dir>      check an evidence bundle's signature and every file; names what was tampered with
  list [dir]            list the drills under a folder (default drills/), validating each
  iam-policy <drill.ts> print the least-privilege IAM policy (JSON) the drill needs in --env
  k6-operator <drill.ts> print a k6-operator TestRun (YAML) offering the drill's load from a cluster
  ingest <run-dir> <ndjson...> merge k6-operator runners' NDJSON into a verified run, judge it again, re-sign
  recover               undo what interrupted runs left behind (safe to repeat)
  sandbox up            run the sandbox standalone (--topology <file.ts>: your own); prints its endpoints as JSON
  init [dir]            scaffold drdrill.config.ts, a sandbox drill, an AWS environment template, CI examples
  discover              write an environment file from what an AWS account (or the sandbox) already has
  help <command>        one command's options (also: drdrill <command> --help)

options:
  --env <name>          sandbox (default: an embedded sandbox) or drills/environments/<name>.ts
  --sandbox-url <url>   with --env sandbox: use a running sandbox instead of starting one
  --out <dir>           where reports go (default: reports)
  --state-dir <dir>     where run journals go (default: .drdrill, or $DRDRILL_STATE_DIR)
  --load <engine>       run: auto (k6 when installed, else builtin), k6 or builtin
  --namespace <ns>      k6-operator: the namespace of the TestRun and its ConfigMap
  --claim <pvc>         k6-operator: volume claim the runners write NDJSON to (default <drill>-results)
  --yes, -y             run: change an AWS account without asking (the plan is still printed)
  --approve <step>|all  run: answer approve steps in advance (repeat, or comma-separate step names)
  --console             run: serve a live game-day console on 127.0.0.1 (prints its address with a token)
  --force               recover: also undo runs whose process still seems alive
  --key <pem>           verify, report, ingest: trust this EC P-256 key (public, or private to re-sign) instead of --env's
  --control-plane-port, --dns-port, --http-port <n>   sandbox up: fixed ports (default: any free)
  --version             print drdrill's version

Defaults for --env, --out, --state-dir and the folders come from ./drdrill.config.ts when it exists.

exit codes: 0 passed · 1 an assertion failed · 2 bad input, nothing changed ·
            3 aborted, everything rolled back · 4 a rollback failed, faults may remain`;

/**
 * The whole CLI as a function: parses argv, runs one command, returns the exit code. Kept apart
 * from process handling so tests call it directly.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        env: { type: 'string' },
        'sandbox-url': { type: 'string' },
        out: { type: 'string' },
        'state-dir': { type: 'string' },
        force: { type: 'boolean', default: false },
        key: { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        approve: { type: 'string', multiple: true },
        console: { type: 'boolean', default: false },
        load: { type: 'string', default: 'auto' },
        namespace: { type: 'string' },
        claim: { type: 'string' },
        'control-plane-port': { type: 'string' },
        'dns-port': { type: 'string' },
        'http-port': { type: 'string' },
        topology: { type: 'string' },
        record: { type: 'string' },
        zone: { type: 'string' },
        'env-name': { type: 'string' },
        profile: { type: 'string' },
        regions: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    io.err(`drdrill: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return EXIT_CODES['bad-input'];
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    io.out(TOOL_VERSION);
    return 0;
  }
  if (command === 'help') return help(values.help ? 'help' : rest[0], io);
  if (values.help && command !== undefined) return help(command, io);
  if (values.help || command === undefined) {
    (command === undefined && !values.help ? io.err : io.out)(USAGE);
    return values.help ? 0 : EXIT_CODES['bad-input'];
  }
  const sandboxUrl = values['sandbox-url'];
  try {
    if (command === 'init') return await initCommand({ dir: rest[0] ?? '.' }, io);
    const { config } = await loadConfig();
    const env = values.env ?? config.defaultEnvironment;
    const environments = config.environments;
    const stateDir = values['state-dir'] ?? (process.env.DRDRILL_STATE_DIR === undefined ? config.state : undefined);
    switch (command) {
      case 'run':
        return await runCommand(
          {
            files: rest,
            env,
            environments,
            out: values.out ?? config.reports,
            reporters: config.reporters,
            yes: values.yes,
            load: loadChoice(values.load),
            console: values.console,
            ...(values.approve === undefined ? {} : { approve: values.approve }),
            ...(sandboxUrl === undefined ? {} : { sandboxUrl }),
            ...(stateDir === undefined ? {} : { stateDir }),
          },
          io,
        );
      case 'plan': {
        const [file] = rest;
        if (file === undefined || rest.length > 1) throw new InvalidInputError('drdrill plan', ['expected exactly one drill file']);
        return await planCommand({ file, env, environments, ...(sandboxUrl === undefined ? {} : { sandboxUrl }) }, io);
      }
      case 'discover':
        return await discoverCommand(
          {
            record: values.record,
            envName: values['env-name'],
            environments,
            ...(values.zone === undefined ? {} : { zone: values.zone }),
            ...(values.profile === undefined ? {} : { profile: values.profile }),
            ...(values.regions === undefined ? {} : { regions: values.regions }),
            ...(sandboxUrl === undefined ? {} : { sandboxUrl }),
          },
          io,
        );
      case 'report':
      case 'verify': {
        const [dir] = rest;
        if (dir === undefined || rest.length > 1) throw new InvalidInputError(`drdrill ${command}`, [`expected exactly one run directory, e.g. drdrill ${command} reports/<drill>/<run-id>`]);
        const trust = { env, ...(values.key === undefined ? {} : { key: values.key }), ...(sandboxUrl === undefined ? {} : { sandboxUrl }), ...(stateDir === undefined ? {} : { stateDir }) };
        return command === 'report' ? await reportCommand(dir, trust, io) : await verifyCommand(dir, trust, io);
      }
      case 'ingest': {
        const [dir, ...files] = rest;
        if (dir === undefined) throw new InvalidInputError('drdrill ingest', ['expected a run directory and k6 NDJSON files, e.g. drdrill ingest reports/<drill>/<run-id> results/*.ndjson']);
        const trust = { env, ...(values.key === undefined ? {} : { key: values.key }), ...(sandboxUrl === undefined ? {} : { sandboxUrl }), ...(stateDir === undefined ? {} : { stateDir }) };
        return await ingestCommand({ ...trust, dir, files }, io);
      }
      case 'list':
        return await listCommand({ dir: rest[0] ?? config.drills }, io);
      case 'iam-policy': {
        const [file] = rest;
        if (file === undefined || rest.length > 1) throw new InvalidInputError('drdrill iam-policy', ['expected exactly one drill file']);
        return await iamPolicyCommand({ file, env, environments, ...(sandboxUrl === undefined ? {} : { sandboxUrl }) }, io);
      }
      case 'k6-operator': {
        const [file] = rest;
        if (file === undefined || rest.length > 1) throw new InvalidInputError('drdrill k6-operator', ['expected exactly one drill file']);
        return await k6OperatorCommand(
          {
            file,
            env,
            environments,
            ...(sandboxUrl === undefined ? {} : { sandboxUrl }),
            ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
            ...(values.claim === undefined ? {} : { claim: values.claim }),
          },
          io,
        );
      }
      case 'recover':
        return await recoverCommand({ force: values.force, ...(stateDir === undefined ? {} : { stateDir }) }, io);
      case 'sandbox': {
        if (rest[0] !== 'up') throw new InvalidInputError('drdrill sandbox', [`expected "sandbox up", got "sandbox ${rest.join(' ')}"`]);
        return await sandboxUpCommand(
          {
            ...portOption('--control-plane-port', values['control-plane-port'], 'controlPlanePort'),
            ...portOption('--dns-port', values['dns-port'], 'dnsPort'),
            ...portOption('--http-port', values['http-port'], 'httpPort'),
            ...(values.topology === undefined ? {} : { topologyFile: values.topology }),
          },
          io,
        );
      }
      default:
        io.err(`drdrill: unknown command "${command}"\n\n${USAGE}`);
        return EXIT_CODES['bad-input'];
    }
  } catch (error) {
    const credentials = error instanceof CredentialsError ? error : findCredentialProblem(error);
    if (credentials !== undefined) {
      // Raised before the first change (runDrill turns anything later into a rolled-back run).
      const message = credentials instanceof CredentialsError ? credentials.message : new CredentialsError(undefined, `${credentials.name}: ${credentials.message}`).message;
      io.err(`drdrill: ${message}\nnothing was changed.`);
      return EXIT_CODES['bad-input'];
    }
    if (error instanceof InvalidInputError) {
      io.err(`drdrill: ${error.message}\nnothing was changed.`);
      return EXIT_CODES['bad-input'];
    }
    if (error instanceof RunDeclinedError) {
      io.err(`drdrill: ${error.message}`);
      return EXIT_CODES.aborted;
    }
    if (error instanceof LockHeldError) {
      // Another drill owns a target: a guardrail refusing the run, before anything changed.
      io.err(`drdrill: ${error.message}\nnothing was changed.`);
      return EXIT_CODES.aborted;
    }
    throw error;
  }
}

/** `drdrill help <command>` and `drdrill <command> --help`: that command's options, or the overview. */
function help(command: string | undefined, io: CliIo): number {
  if (command === undefined) {
    io.out(USAGE);
    return 0;
  }
  const text = COMMAND_HELP[command];
  if (text === undefined) {
    io.err(`drdrill help: unknown command "${command}"; commands: ${Object.keys(COMMAND_HELP).join(', ')}`);
    return EXIT_CODES['bad-input'];
  }
  io.out(text);
  return 0;
}

function loadChoice(value: string): LoadChoice {
  if (!(LOAD_CHOICES as readonly string[]).includes(value)) {
    throw new InvalidInputError('--load', [`--load: expected one of ${LOAD_CHOICES.join(', ')}, got "${value}"`]);
  }
  return value as LoadChoice;
}

function portOption<K extends string>(flag: string, value: string | undefined, key: K): Partial<Record<K, number>> {
  if (value === undefined) return {};
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidInputError(flag, [`${flag}: expected a port number 0–65535, got "${value}"`]);
  }
  return { [key]: port } as Partial<Record<K, number>>;
}
