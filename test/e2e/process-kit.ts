import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { SandboxDescription } from '../../src/sandbox/sandbox-handle.ts';
import { tempDir } from './e2e-kit.ts';

/** The CLI as users run it. */
export const DRDRILL = ['bin/drdrill.js'] as const;

/**
 * `drdrill sandbox up` as its own process, so a killed drill cannot take the sandbox with it.
 *
 * @param args more options, e.g. `['--topology', file]`
 */
export async function startSandboxProcess(args: readonly string[] = []): Promise<{
  description: SandboxDescription;
  stop(): Promise<void>;
  /** SIGSTOP: its sockets still accept connections, and nothing answers them. */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
}> {
  const child = spawn(process.execPath, [...DRDRILL, 'sandbox', 'up', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sandbox up printed nothing within 20 s')), 20_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`sandbox up exited ${code} before printing its endpoints`)));
  });
  return {
    description: JSON.parse(first) as SandboxDescription,
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    stop: async () => {
      lines.close();
      await stopProcess(child, 'SIGTERM');
    },
  };
}

/** Signals a child and waits for it to exit (SIGKILL after 10 s if it will not). */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  const fallback = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(fallback);
  return code;
}

/** A CLI run started in the background and read up to a line of its output. */
export interface RunningDrdrill {
  readonly child: ChildProcess;
  /** Every stdout line so far, the awaited one last. */
  readonly output: string[];
  /** Stops reading its output (call once it exited). */
  close(): void;
}

/**
 * Starts the CLI and resolves once a stdout line matches `line`, e.g. the drill's `phase recovery`
 * (the fault is in). A run that exits first rejects with everything it printed, instead of the
 * test waiting out its own timeout.
 */
export async function startDrdrillUntil(args: readonly string[], line: RegExp): Promise<RunningDrdrill> {
  const child = spawn(process.execPath, [...DRDRILL, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (text) => {
      output.push(text);
      if (line.test(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`drdrill ${args.join(' ')} exited ${code} before printing ${line}:\n${output.join('\n')}`)));
  });
  return { child, output, close: () => lines.close() };
}

/** Runs the CLI to completion and returns its exit code and combined output. */
export async function runDrdrill(
  args: readonly string[],
  timeoutMs = 60_000,
  env?: Readonly<Record<string, string>>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [...DRDRILL, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(env === undefined ? {} : { env: { ...process.env, ...env } }) });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(killer);
  return { code, output };
}

/** A small seeded PRNG (mulberry32), so random kill moments are reproducible from the seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What `useSandboxProcess` gives a suite: read its fields inside tests, once the hooks have run. */
export interface SandboxSuite {
  readonly sandbox: Awaited<ReturnType<typeof startSandboxProcess>>;
  /** A fresh state folder (journals) per test. */
  readonly stateDir: string;
  /** A fresh reports folder per test. */
  readonly out: string;
}

/**
 * Mocha hooks for a suite of killed-process tests: one standalone sandbox for the suite, so a
 * killed drill cannot take it along, and fresh state and report folders for each test.
 */
export function useSandboxProcess(prefix: string): SandboxSuite {
  const suite = {} as { sandbox: SandboxSuite['sandbox']; stateDir: string; out: string };
  before(async () => {
    suite.sandbox = await startSandboxProcess();
  });
  after(async () => {
    await suite.sandbox.stop();
  });
  beforeEach(async () => {
    suite.stateDir = await tempDir(`${prefix}-state`);
    suite.out = await tempDir(`${prefix}-out`);
  });
  afterEach(async () => {
    await rm(suite.stateDir, { recursive: true, force: true });
    await rm(suite.out, { recursive: true, force: true });
  });
  return suite;
}

/**
 * Runs the CLI in its own process on a pseudo-terminal (stdin and stderr are TTYs), which types
 * `answer` and Enter once the CLI has printed `trigger` (default the `[y/N]` prompt).
 */
export function runOnPty(
  args: readonly string[],
  options: { readonly answer: string; readonly trigger?: string; readonly delayMs?: number },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['test/e2e/pty-run.py', process.execPath, ...DRDRILL, ...args], {
      env: { ...process.env, ANSWER: options.answer, DELAY: String((options.delayMs ?? 0) / 1000), ...(options.trigger === undefined ? {} : { TRIGGER: options.trigger }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
