import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip, type Gzip } from 'node:zlib';
import { findK6, type K6Binary } from './k6-binary.ts';
import { describeK6Exit, type K6ExitKind } from './k6-exit.ts';
import { executionSegments, runK6Instances, type ExecutionSegment, type K6Instance } from './k6-instances.ts';
import { K6NdjsonParser } from './k6-ndjson.ts';
import type { LoadEngine, LoadPlan, LoadSummary, RampStage } from './load-engine.ts';
import { checkLoadPlan, LoadPlanError, loadTargetsOf, type ResolvedTarget } from './load-plan-check.ts';
import type { Sample } from './sample.ts';

/** drdrill's default k6 script. */
export const DEFAULT_K6_SCRIPT = fileURLToPath(new URL('../../k6/drill-load.ts', import.meta.url));

const ENGINE_NAME = 'k6';
const STDERR_TAIL_BYTES = 16 * 1024;

/** Why drdrill stopped k6 itself (it may also stop on its own). */
type StopReason = 'aborted' | 'max-requests' | 'deadline' | 'sample-error' | 'start-timeout';

export interface K6EngineOptions {
  /** A k6 already found (selectEngine passes it); otherwise found at run time from `env`. */
  readonly binary?: K6Binary;
  /** Environment for finding k6 (K6_BIN, PATH) and for the k6 process; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Script to run; default k6/drill-load.ts. Your own script must take the same -e inputs. */
  readonly script?: string;
  /** Metric whose points are samples; default `drdrill_request` (see K6NdjsonParser). */
  readonly sampleMetric?: string;
  /** Test-wide tags (drill name, run id), passed as DRDRILL_TAGS. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Fail if k6 writes no output line within this many ms of starting; default 60 s. */
  readonly startTimeoutMs?: number;
  /** After SIGINT (abort), wait this long for k6 to stop by itself before SIGKILL; default 5 s. */
  readonly stopGraceMs?: number;
}

/** k6 ended in a way that is not a normal end of load; `kind` says which (see describeK6Exit). */
export class K6RunError extends Error {
  override readonly name = 'K6RunError';
  readonly kind: K6ExitKind | 'start-timeout';
  readonly exitCode: number | null;
  /** Last lines k6 wrote to stderr (its error messages). */
  readonly stderrTail: string;

  constructor(kind: K6ExitKind | 'start-timeout', exitCode: number | null, message: string, stderrTail: string) {
    const detail = stderrTail.trim() === '' ? '' : `\nk6 said:\n${indent(lastLines(stderrTail, 12))}`;
    super(`${message}${detail}`);
    this.kind = kind;
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }
}

/**
 * Creates the k6 load engine: runs `k6 run --out json=-` on drdrill's TypeScript script (or yours)
 * and turns the NDJSON it streams on stdout into samples while the drill runs, so guardrails and
 * progress see them live.
 *
 * - Inputs go through `-e`: targets (url, rate, ramp, request), duration, timeout, region header,
 *   keep-alive, thresholds, tags. k6 runs with `--quiet --no-usage-report --address=` (no phoning
 *   home, no REST API port to collide on).
 * - With `plan.runDir` the raw NDJSON is kept there compressed (`k6-output.ndjson.gz`, written as it
 *   streams), with k6's end-of-test summary (`k6-summary.json`) and stderr (`k6-stderr.log`).
 * - Exit codes: 0 resolves with outcome `completed`, 99 with `thresholds-crossed`; anything else
 *   rejects with K6RunError naming what happened (script error, invalid config, …) and k6's last
 *   stderr lines. Samples already streamed stay delivered.
 * - Abort: SIGINT (k6 stops gracefully and flushes), SIGKILL after `stopGraceMs`; resolves with
 *   outcome `aborted`. Reaching `plan.maxRequests` samples stops k6 the same way, as `completed`.
 * - k6 resolves names with the system resolver: `plan.resolver` cannot be given to it (it is passed
 *   as DRDRILL_RESOLVER for scripts and stand-ins that can use it, and noted in the summary).
 * - `plan.k6Instances` > 1 starts that many k6 processes at once, each with `--execution-segment`
 *   and the shared `--execution-segment-sequence`, so k6 splits the arrival rate exactly; their
 *   samples reach `onSample` as one stream and each keeps its own files (`k6-output-2.ndjson.gz`, …).
 */
export function createK6Engine(options: K6EngineOptions = {}): LoadEngine {
  return {
    name: ENGINE_NAME,
    async run(plan, onSample, signal) {
      checkLoadPlan(plan);
      if (plan.clients !== undefined) {
        // k6's `dns` and `noConnectionReuse` options apply to the whole test, not to a scenario.
        throw new LoadPlanError('clients', plan.clients.map((cohort) => cohort.name), 'no client cohorts: k6 has one DNS cache and one connection-reuse setting per test; use the built-in engine');
      }
      const targets = loadTargetsOf(plan);
      const binary = options.binary ?? (await findK6(options.env === undefined ? {} : { env: options.env }));
      if (signal.aborted) return { engine: ENGINE_NAME, sent: 0, completed: 0, maxSchedulingLagMs: 0, outcome: 'aborted' };
      const instances = plan.k6Instances ?? 1;
      if (instances === 1) return new K6Run(plan, targets, binary, options, onSample, signal).start();
      return runK6Instances(executionSegments(instances), plan.maxRequests, onSample, signal, (segment, deliver, shared) =>
        new K6Run(plan, targets, binary, options, deliver, shared, segment),
      );
    },
  };
}

/** The `-e` inputs of drdrill's k6 script for a plan. */
export function k6ScriptEnv(plan: LoadPlan, targets: readonly ResolvedTarget[], options: Pick<K6EngineOptions, 'tags'>, summaryFile?: string): Record<string, string> {
  const env: Record<string, string> = {
    DRDRILL_TARGETS: JSON.stringify(
      targets.map((target) => ({
        name: target.name,
        url: target.url.href,
        rate: target.rate,
        ...(target.ramp === undefined ? {} : { ramp: clipRamp(target.ramp, plan.durationMs) }),
        // Credentials travel as `{ fromEnv }` names only (the plan check refuses literal ones): k6
        // reads them from its own environment, so no token is on its command line or in a manifest.
        ...(Object.keys(target.request).length === 0 ? {} : { request: target.request }),
      })),
    ),
    DRDRILL_DURATION_MS: String(Math.ceil(plan.durationMs)),
    DRDRILL_TIMEOUT_MS: String(Math.ceil(plan.timeoutMs)),
    DRDRILL_REGION_HEADER: plan.regionHeader,
    DRDRILL_KEEP_ALIVE: plan.keepAlive === true ? 'true' : 'false',
  };
  if (plan.thresholds !== undefined) env.DRDRILL_THRESHOLDS = JSON.stringify(plan.thresholds);
  if (options.tags !== undefined) env.DRDRILL_TAGS = JSON.stringify(options.tags);
  if (plan.resolver !== undefined) env.DRDRILL_RESOLVER = plan.resolver;
  if (summaryFile !== undefined) env.DRDRILL_SUMMARY = summaryFile;
  return env;
}

/** Stages cut to the plan's duration (k6 would otherwise run the whole ramp). */
function clipRamp(ramp: readonly RampStage[], durationMs: number): RampStage[] {
  const clipped: RampStage[] = [];
  let elapsed = 0;
  for (const stage of ramp) {
    if (elapsed >= durationMs) break;
    clipped.push({ target: stage.target, durationMs: Math.min(stage.durationMs, durationMs - elapsed) });
    elapsed += stage.durationMs;
  }
  return clipped;
}

/** One k6 process (of the whole test, or of one execution segment). */
class K6Run implements K6Instance {
  readonly #plan: LoadPlan;
  readonly #targets: readonly ResolvedTarget[];
  readonly #binary: K6Binary;
  readonly #options: K6EngineOptions;
  readonly #onSample: (sample: Sample) => void;
  readonly #signal: AbortSignal;
  readonly #segment: ExecutionSegment | undefined;
  readonly #parser: K6NdjsonParser;
  readonly #evidence: string[] = [];
  readonly #notes: string[] = [];
  #child: ChildProcess | undefined;
  #gzip: Gzip | undefined;
  #gzipDone: Promise<void> = Promise.resolve();
  #stderr: WriteStream | undefined;
  #stderrTail = '';
  #sawOutput = false;
  #stopReason: StopReason | undefined;
  #sampleError: unknown;
  #timers: NodeJS.Timeout[] = [];
  #killTimer: NodeJS.Timeout | undefined;

  constructor(
    plan: LoadPlan,
    targets: readonly ResolvedTarget[],
    binary: K6Binary,
    options: K6EngineOptions,
    onSample: (sample: Sample) => void,
    signal: AbortSignal,
    segment?: ExecutionSegment,
  ) {
    this.#segment = segment;
    this.#plan = plan;
    this.#targets = targets;
    this.#binary = binary;
    this.#options = options;
    this.#onSample = onSample;
    this.#signal = signal;
    this.#parser = new K6NdjsonParser({
      onSample: (sample) => this.#deliver(sample),
      ...(options.sampleMetric === undefined ? {} : { sampleMetric: options.sampleMetric }),
      defaultTarget: plan.target,
    });
    this.#notes.push(`k6 ${binary.version} at ${binary.path}`);
    const hostOverHttps = targets.filter((target) => target.url.protocol === 'https:' && Object.keys(target.request.headers ?? {}).some((name) => name.toLowerCase() === 'host'));
    if (hostOverHttps.length > 0) {
      // Go's HTTP client names the server from the URL; a custom domain's certificate may not match.
      this.#notes.push(`k6 sends the URL's host as the TLS server name, not the Host header, for ${hostOverHttps.map((target) => target.name).join(', ')}; the built-in engine sends the Host`);
    }
    if (plan.resolver !== undefined) {
      this.#notes.push(`k6 resolves names with the system resolver, not ${plan.resolver}; load through an edge URL or point the system resolver there to see DNS failover`);
    }
  }

  start(): Promise<LoadSummary> {
    const { runDir } = this.#plan;
    let summaryFile: string | undefined;
    if (runDir !== undefined) {
      mkdirSync(runDir, { recursive: true });
      summaryFile = join(runDir, this.#fileName('k6-summary', '.json'));
      const rawFile = join(runDir, this.#fileName('k6-output', '.ndjson.gz'));
      this.#gzip = createGzip({ level: 6 });
      const sink = createWriteStream(rawFile);
      this.#gzip.pipe(sink);
      this.#gzipDone = new Promise<void>((resolve) => {
        sink.once('close', resolve);
        sink.once('error', (error) => {
          this.#notes.push(`could not write ${rawFile}: ${error.message}`);
          resolve();
        });
      });
      const stderrFile = join(runDir, this.#fileName('k6-stderr', '.log'));
      this.#stderr = createWriteStream(stderrFile);
      this.#evidence.push(rawFile, summaryFile, stderrFile);
    }
    const script = this.#options.script ?? DEFAULT_K6_SCRIPT;
    const inputs = k6ScriptEnv(this.#plan, this.#targets, this.#options, summaryFile);
    const args = ['run', '--quiet', '--no-color', '--no-usage-report', '--address=', '--out', 'json=-'];
    if (this.#segment !== undefined) args.push('--execution-segment', this.#segment.segment, '--execution-segment-sequence', this.#segment.sequence);
    for (const [key, value] of Object.entries(inputs)) args.push('-e', `${key}=${value}`);
    args.push(script);

    return new Promise<LoadSummary>((resolve, reject) => {
      const child = spawn(this.#binary.path, args, {
        env: { ...(this.#options.env ?? process.env), K6_NO_USAGE_REPORT: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.#child = child;
      child.stdout?.on('data', (chunk: Buffer) => {
        this.#sawOutput = true;
        this.#gzip?.write(chunk);
        if (this.#stopReason === 'sample-error') return;
        this.#parser.push(chunk);
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        this.#stderr?.write(chunk);
        this.#stderrTail = (this.#stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      });
      let spawnError: Error | undefined;
      child.once('error', (error) => {
        spawnError = error;
      });
      child.once('close', (code, exitSignal) => {
        void this.#finish(code, exitSignal, spawnError).then(resolve, reject);
      });

      this.#signal.addEventListener('abort', this.#onAbort, { once: true });
      const startTimeoutMs = this.#options.startTimeoutMs ?? 60_000;
      this.#timers.push(
        setTimeout(() => {
          if (!this.#sawOutput) this.#stop('start-timeout');
        }, startTimeoutMs),
      );
      // A bound on the whole process, whatever k6 does: the plan, one timeout to drain, slack.
      const deadlineMs = startTimeoutMs + this.#plan.durationMs + this.#plan.timeoutMs + 30_000;
      this.#timers.push(setTimeout(() => this.#stop('deadline'), deadlineMs));
    });
  }

  readonly #onAbort = (): void => this.#stop('aborted');

  /** The whole test has enough samples (several instances count together). */
  stopAtLimit(): void {
    this.#stop('max-requests');
  }

  /** `k6-output.ndjson.gz` for a whole test, `k6-output-2.ndjson.gz` for the second segment's process. */
  #fileName(stem: string, extension: string): string {
    return this.#segment === undefined ? `${stem}${extension}` : `${stem}-${this.#segment.index + 1}${extension}`;
  }

  #deliver(sample: Sample): void {
    if (this.#stopReason === 'sample-error') return;
    try {
      this.#onSample(sample);
    } catch (error) {
      this.#sampleError = error;
      this.#stop('sample-error');
      return;
    }
    if (this.#segment === undefined && this.#parser.stats.samples >= this.#plan.maxRequests) this.#stop('max-requests');
  }

  /** Asks k6 to stop (SIGINT: it flushes its output), then kills it if it does not. */
  #stop(reason: StopReason): void {
    if (this.#stopReason !== undefined) return;
    this.#stopReason = reason;
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(reason === 'start-timeout' || reason === 'sample-error' ? 'SIGKILL' : 'SIGINT');
    this.#killTimer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, this.#options.stopGraceMs ?? 5000);
  }


  async #finish(code: number | null, exitSignal: NodeJS.Signals | null, spawnError: Error | undefined): Promise<LoadSummary> {
    for (const timer of this.#timers) clearTimeout(timer);
    if (this.#killTimer !== undefined) clearTimeout(this.#killTimer);
    this.#signal.removeEventListener('abort', this.#onAbort);
    if (this.#stopReason !== 'sample-error') this.#parser.end();
    this.#gzip?.end();
    this.#stderr?.end();
    await this.#gzipDone;

    const stats = this.#parser.stats;
    if (stats.ignoredLines > 0) this.#notes.push(`${stats.ignoredLines} non-JSON line(s) on k6's stdout were skipped`);
    if (stats.badLines > 0) this.#notes.push(`${stats.badLines} unreadable k6 line(s) skipped, e.g. ${stats.badLineExamples[0] ?? ''}`);
    if (stats.droppedIterations > 0) {
      this.#notes.push(`k6 dropped ${stats.droppedIterations} request(s) it could not start on time (not enough VUs): the offered rate was not fully kept`);
    }

    if (this.#stopReason === 'sample-error') throw this.#sampleError;
    if (spawnError !== undefined) {
      throw new K6RunError('unknown', null, `could not run ${this.#binary.path}: ${spawnError.message}`, this.#stderrTail);
    }
    if (this.#stopReason === 'start-timeout') {
      throw new K6RunError(
        'start-timeout',
        code,
        `k6 wrote no output within ${this.#options.startTimeoutMs ?? 60_000} ms of starting and was killed`,
        this.#stderrTail,
      );
    }
    const exit = describeK6Exit(code, exitSignal);
    const summary = (outcome: LoadSummary['outcome']): LoadSummary => ({
      engine: ENGINE_NAME,
      sent: stats.samples,
      completed: stats.samples,
      // k6 does not report how late it started each iteration; dropped iterations are its measure.
      maxSchedulingLagMs: 0,
      dropped: stats.droppedIterations,
      outcome,
      evidence: [...this.#evidence],
      notes: [...this.#notes, `k6 exit: ${code ?? exitSignal ?? 'unknown'} (${exit.meaning})`],
    });
    if (this.#stopReason === 'aborted') return summary('aborted');
    if (this.#stopReason === 'max-requests') return summary('completed');
    if (this.#stopReason === 'deadline') {
      throw new K6RunError('timeout', code, `k6 was still running well past the plan's ${this.#plan.durationMs} ms and was stopped`, this.#stderrTail);
    }
    if (exit.kind === 'completed') return summary('completed');
    if (exit.kind === 'thresholds-crossed') return summary('thresholds-crossed');
    throw new K6RunError(exit.kind, code, `k6 failed: ${exit.meaning} (exit ${code ?? exitSignal ?? '?'})`, this.#stderrTail);
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
