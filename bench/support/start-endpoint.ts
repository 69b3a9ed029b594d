import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A running benchmark endpoint process. */
export interface BenchEndpoint {
  readonly httpPort: number;
  readonly dnsPort: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts bench/support/endpoint-process.ts in its own Node process and waits for its ports. */
export async function startBenchEndpoint(): Promise<BenchEndpoint> {
  const script = fileURLToPath(new URL('./endpoint-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench endpoint did not start within 15 s')), 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`bench endpoint exited with ${String(code)}`)));
  });
  const ports = JSON.parse(first) as { httpPort: number; dnsPort: number };
  return {
    ...ports,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
