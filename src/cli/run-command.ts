import { sandboxTopologyOf } from './drill-topology.ts';
import path from 'node:path';
import type { LoadedDrill } from '../drill/load-drill.ts';
import { loadDrill } from '../drill/load-drill.ts';
import { K6NotFoundError, K6VersionError } from '../load/k6-binary.ts';
import { LoadChoiceError, selectEngine, type LoadChoice, type SelectedEngine } from '../load/select-engine.ts';
import type { Environment } from '../drill/environment.ts';
import { homeRegion } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import { newRunId } from '../runner/run-id.ts';
import { renderConsoleSummary } from '../reporters/console-summary.ts';
import { createRedactor } from '../evidence/redact-secrets.ts';
import { requestCredentialValues } from '../drill/service-request.ts';
import { writeRunDirectory, type WriteRunDirectoryOptions } from '../reporters/write-run-directory.ts';
import { AwsClients } from '../aws/aws-clients.ts';
import { environmentSigner, NO_SIGNING_KEY } from '../evidence/environment-signer.ts';
import type { EvidenceSignature } from '../evidence/evidence-signer.ts';
import { defaultStateDir } from '../runner/journal.ts';
import { runDrill } from '../runner/run-drill.ts';
import { checkRunFolder } from '../runner/run-folders.ts';
import { EXIT_CODES, type RunRecord } from '../runner/run-record.ts';
import { writeAtomic } from '../reporters/atomic-write.ts';
import { renderJunit } from '../reporters/junit.ts';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import type { CliIo } from './cli-io.ts';
import { confirmPlan } from './confirm-plan.ts';
import { startHeartbeat } from './progress-heartbeat.ts';
import { resolveEnvironment } from './resolve-environment.ts';
import { checkCredentials } from '../aws/credentials-error.ts';
import type { Reporter } from '../config/drdrill-config.ts';
import { trapSignals } from './trap-signals.ts';
import type { Approver, LiveRun } from '../runner/live-run.ts';
import { drillSteps } from '../steps/drill-steps.ts';
import { approvedStepNames, flagApprover } from './flag-approver.ts';
import { firstAnswer } from './first-answer.ts';
import { describeProgress } from './progress-line.ts';
import { terminalApprover } from './terminal-approver.ts';
import { startGameDayConsole, type GameDayConsole } from '../console/game-day-console.ts';
import { startStatusLine, type StatusTerminal } from './status-line.ts';

export interface RunCommandOptions {
  readonly files: readonly string[];
  readonly env: string;
  readonly sandboxUrl?: string;
  /** Folder environment names are looked up in. @default 'drills/environments' */
  readonly environments?: string;
  readonly out: string;
  /** Report files to write besides run.json and the manifest. @default all */
  readonly reporters?: readonly Reporter[];
  readonly stateDir?: string;
  /** Skip the confirmation before changing an AWS account. */
  readonly yes?: boolean;
  /** Load engine: k6 when installed (auto), or forced. */
  readonly load?: LoadChoice;
  /** `--approve`: approve steps answered in advance (`all`, or step names, repeated or comma-separated). */
  readonly approve?: readonly string[];
  /** Who else may answer approve steps (the game-day console): the first answer wins. */
  readonly approvers?: readonly Approver[];
  /** Handed each running drill once its observers run. */
  readonly onLive?: (live: LiveRun) => void;
  /** `--console`: serve the game-day console on 127.0.0.1 for the whole command and print its address. */
  readonly console?: boolean;
  /**
   * Where the live status line draws and reads keys; default the process's own terminal when stdin
   * and stderr are both one, and none otherwise (plain progress lines only); false: none at all.
   */
  readonly terminal?: StatusTerminal | false;
}

/** The runner's "phase <name>" progress line, so the heartbeat can say where the drill is. */
const PHASE_LINE = /^phase\s+(\S+)/;

/** Worst outcome wins: a rollback failure outranks an abort, which outranks a failed assertion. */
const SEVERITY = [EXIT_CODES.passed, EXIT_CODES.failed, EXIT_CODES.aborted, EXIT_CODES['rollback-failed']];

/**
 * `drdrill run`: validates every drill before touching anything, then runs them one after the
 * other and writes reports/<drill>/<run-id>/. Returns the exit code.
 */
export async function runCommand(options: RunCommandOptions, io: CliIo): Promise<number> {
  if (options.files.length === 0) {
    io.err('drdrill run: expected at least one drill file, e.g. drdrill run drills/sandbox/primary-lambda-throttle.drill.ts');
    return EXIT_CODES['bad-input'];
  }
  const drills: LoadedDrill[] = [];
  for (const file of options.files) drills.push(await loadDrill(file));
  checkApprovedSteps(options.approve ?? [], drills);
  const stateDir = options.stateDir ?? defaultStateDir();
  await checkRunFolder('--state-dir', stateDir, 'the run journals');
  await checkRunFolder('--out', options.out, 'the reports');

  const resolved = await resolveEnvironment(options.env, options.sandboxUrl, options.stateDir, options.environments, sandboxTopologyOf(drills));
  if (resolved.environment.kind === 'aws') {
    const clients = AwsClients.forEnvironment(resolved.environment);
    try {
      await checkCredentials(clients, homeRegion(resolved.environment), resolved.environment.profile);
    } finally {
      clients.destroy();
    }
  }
  const signals = trapSignals(io);
  const terminal = options.terminal === false ? undefined : (options.terminal ?? processTerminal());
  const status = terminal === undefined ? undefined : startStatusLine(io, terminal, { abort: signals.abort, interrupt: () => process.kill(process.pid, 'SIGINT') });
  // Every line from here on prints above the status line, which is redrawn below it.
  io = status?.io ?? io;
  let exitCode: number = EXIT_CODES.passed;
  const records: RunRecord[] = [];
  let gameDay: GameDayConsole | undefined;
  try {
    if (options.console === true) {
      gameDay = await startGameDayConsole({ abort: signals.abort, regions: resolved.environment.regions });
      io.out(`console: ${gameDay.url}`);
    }
    const approver = firstAnswer([
      flagApprover(options.approve ?? []),
      // In a terminal the status line takes the keys, the approve step's among them.
      status?.approver ?? terminalApprover(),
      ...(gameDay === undefined ? [] : [gameDay.approver]),
      ...(options.approvers ?? []),
    ]);
    for (const { drill, file } of drills) {
      if (signals.signal.aborted) break;
      io.out(`▶ ${drill.name} on ${resolved.environment.name} (${resolved.environment.kind})`);
      const selected = await chooseEngine(options.load ?? 'auto', resolved.environment, drill.name);
      if (drill.load.clients !== undefined && selected.engine.name !== 'builtin') {
        // k6's dns option and connection reuse are one setting for the whole test: it cannot give cohorts their own.
        throw new InvalidInputError('--load', [
          `--load: load.clients needs the built-in engine (--load builtin): ${selected.engine.name} has one DNS cache and one connection-reuse setting for the whole test, so its cohorts could not differ`,
        ]);
      }
      io.out(`  ${selected.note}`);
      const runId = newRunId(drill.name);
      const dir = path.resolve(options.out, drill.name, runId);
      await mkdir(dir, { recursive: true });
      const drillStarted = Date.now();
      const elapsed = (): string => `+${((Date.now() - drillStarted) / 1000).toFixed(1).padStart(5)}s`;
      let phase = 'preflight';
      // Request credentials, redacted from every line and file whatever their variables are called.
      const secrets = requestCredentialValues(resolved.environment.services);
      const redact = createRedactor(process.env, secrets);
      let live: LiveRun | undefined;
      // The status line says the same in place; below it, a line every few seconds would only scroll.
      // (When stdout is not the terminal it still needs its heartbeat, to learn that its pipe closed.)
      const heartbeat = startHeartbeat(status !== undefined && process.stdout.isTTY ? () => undefined : io.out, () => {
        const progress = live?.current();
        return progress === undefined ? `  ${elapsed()} still running   ${phase}` : redact(`  ${elapsed()} ${describeProgress(progress, Date.now())}`);
      });
      let run;
      try {
        run = await runDrill({
          drill,
          file,
          environment: resolved.environment,
          environmentSource: resolved.source,
          engine: selected.engine,
          engineNote: selected.note,
          runId,
          runDir: dir,
          stateDir,
          ...(resolved.sandboxProcess === undefined ? {} : { sandboxProcess: resolved.sandboxProcess }),
          signal: signals.signal,
          onSignal: signals.onSignal,
          ...(resolved.environment.kind === 'aws' ? { confirm: confirmPlan(options.yes ?? false, io) } : {}),
          approver,
          onLive: (running) => {
            live = running;
            status?.show(running);
            gameDay?.attach(running);
            options.onLive?.(running);
          },
          log: (line) => {
            heartbeat.touch();
            phase = PHASE_LINE.exec(line)?.[1] ?? phase;
            io.out(redact(`  ${elapsed()} ${line}`));
          },
        });
      } catch (error) {
        // Refused before anything changed: leave no empty run directory behind.
        await rmdir(dir).catch(() => undefined);
        throw error;
      } finally {
        heartbeat.stop();
        status?.show(undefined);
      }
      const signature = await writeSignedRunDirectory(dir, run.record, run.samples, resolved.environment, {
        historyRoot: options.out,
        secrets,
        ...(options.reporters === undefined ? {} : { reporters: options.reporters }),
      });
      records.push(run.record);
      io.out(renderConsoleSummary(run.record, secrets));
      io.out(`  reports: ${path.relative(process.cwd(), dir) || dir}/{index.html,junit.xml,run.json}`);
      if (signature.status === 'signed') io.out(`  signed by ${signature.keyId}; check with: drdrill verify ${path.relative(process.cwd(), dir) || dir}`);
      else io.err(`  UNSIGNED EVIDENCE: ${signature.reason}. The reports were written, but nothing vouches for them.`);
      if (run.rollbackFailures.length > 0) io.err(`ROLLBACK FAILED — faults may remain:\n${run.record.reason ?? ''}`);
      exitCode = worst(exitCode, run.record.exitCode);
      gameDay?.finished({
        drill: drill.name,
        outcome: run.record.outcome,
        exitCode: run.record.exitCode,
        ...(run.record.reason === undefined ? {} : { reason: redact(run.record.reason) }),
        reports: path.relative(process.cwd(), dir) || dir,
      });
    }
    if (signals.signal.aborted) exitCode = worst(exitCode, EXIT_CODES.aborted);
    if (records.length > 1 && (options.reporters?.includes('junit') ?? true)) {
      // Several drills in one run: one JUnit file with a testsuite per drill, for CI to pick up.
      const combined = path.resolve(options.out, 'junit.xml');
      await writeAtomic(combined, (temp) => writeFile(temp, renderJunit(records)));
      io.out(`junit for all ${records.length} drills: ${path.relative(process.cwd(), combined)}`);
    }
  } finally {
    await gameDay?.close();
    status?.stop();
    signals.release();
    await resolved.embedded?.close();
  }
  return exitCode;
}

/** The process's terminal, when stdin and stderr are both one: a pipe or a CI log gets plain lines only. */
function processTerminal(): StatusTerminal | undefined {
  const { stdin, stderr } = process;
  if (stdin.isTTY !== true || stderr.isTTY !== true) return undefined;
  return {
    input: stdin,
    write: (text) => {
      // A closed terminal is heard by the CLI's own stderr guard, which stops the run.
      try {
        stderr.write(text);
      } catch {
        /* the guard on stderr reports it */
      }
    },
    columns: () => stderr.columns,
  };
}

/** Writes the run's bundle signed by the environment's key (its own clients: the run's are closed by now). */
async function writeSignedRunDirectory(
  dir: string,
  record: RunRecord,
  samples: Parameters<typeof writeRunDirectory>[2],
  environment: Environment,
  options: Pick<WriteRunDirectoryOptions, 'historyRoot' | 'reporters' | 'secrets'>,
): Promise<EvidenceSignature> {
  const clients = AwsClients.forEnvironment(environment);
  try {
    const signer = environmentSigner(environment, clients);
    const signing = signer === undefined ? { unsignedReason: NO_SIGNING_KEY } : { signer };
    return (await writeRunDirectory(dir, record, samples, { ...options, ...signing })).signature;
  } finally {
    clients.destroy();
  }
}

/** `--load` problems (unknown choice, k6 missing or too old) are bad input: nothing has started. */
async function chooseEngine(choice: LoadChoice, environment: Environment, drillName: string): Promise<SelectedEngine> {
  try {
    return await selectEngine(choice, {
      ...(environment.loadResolver === undefined ? {} : { resolver: environment.loadResolver }),
      k6: { tags: { drill: drillName } },
    });
  } catch (error) {
    if (error instanceof LoadChoiceError || error instanceof K6NotFoundError || error instanceof K6VersionError) {
      throw new InvalidInputError('--load', [`--load: ${error.message}`]);
    }
    throw error;
  }
}

/** `--approve <step>` naming no approve step of the drills is a typo that would leave a step unanswered. */
function checkApprovedSteps(approve: readonly string[], drills: readonly LoadedDrill[]): void {
  const names = new Set(drills.flatMap(({ drill }) => drillSteps(drill).filter((step) => step.step === 'approve').map((step) => step.name)));
  const unknown = approvedStepNames(approve).filter((name) => !names.has(name));
  if (unknown.length === 0) return;
  throw new InvalidInputError('--approve', [
    `--approve: ${unknown.map((name) => JSON.stringify(name)).join(', ')} is not an approve step of ${drills.length === 1 ? 'the drill' : 'any of the drills'} (its approve steps: ${[...names].join(', ') || 'none'}; or give --approve all)`,
  ]);
}

function worst(a: number, b: number): number {
  return SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a;
}
