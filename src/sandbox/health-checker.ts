import { STATUS_CODES, request } from 'node:http';
import type { HealthCheckState, SandboxState } from './sandbox-state.ts';

/** Route 53's limit for an HTTP check's answer (the TCP connect limit is longer, but 2 s bounds both here). */
const RESPONSE_LIMIT_MS = 2000;
/** Gap between the first probes of successive checks, so they do not all fire in the same tick. */
const STAGGER_MS = 20;

/** The outcome of one probe, before Inverted is applied. */
export interface ProbeResult {
  readonly passed: boolean;
  /** Route 53's StatusReport text. */
  readonly status: string;
  /** Short form for event reasons, e.g. `HTTP 500`, `connection refused`. */
  readonly summary: string;
  readonly checkerAddress: string;
}

/** Running probes for every health check; `stop` ends them all. */
export interface HealthChecker {
  stop(): Promise<void>;
}

/**
 * Probes each health check's endpoint every RequestInterval × timeScale, like Route 53's
 * checkers: 2xx/3xx passes, Inverted flips each result, Disabled stops probing (the check then
 * reports healthy), and the status flips only after FailureThreshold consecutive results
 * that disagree with it. Every flip goes through the state, which records it and re-evaluates DNS.
 */
export function startHealthChecker(state: SandboxState): HealthChecker {
  const controller = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const timeScale = state.topology.timeScale;

  state.healthChecks().forEach((check, index) => {
    const intervalMs = check.config.requestInterval * timeScale * 1000;
    let consecutive = 0;
    let seenVersion = check.version;
    let due = Date.now() + Math.min(STAGGER_MS * (index + 1), intervalMs);

    const schedule = (): void => {
      if (controller.signal.aborted) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const run = tick().finally(() => inFlight.delete(run));
        inFlight.add(run);
      }, Math.max(0, due - Date.now()));
      timers.add(timer);
    };

    const tick = async (): Promise<void> => {
      // Keep a fixed cadence; a slow probe (≤ its timeout ≤ interval) delays only the next one.
      due = Math.max(Date.now(), due + intervalMs);
      if (check.version !== seenVersion) {
        // Any reconfiguration restarts the count, as a freshly updated check would.
        seenVersion = check.version;
        consecutive = 0;
      }
      if (check.config.disabled) {
        consecutive = 0;
        schedule();
        return;
      }
      const result = await probe(check, Math.min(RESPONSE_LIMIT_MS, intervalMs), controller.signal);
      if (controller.signal.aborted) return;
      const checkedAt = Date.now();
      state.recordObservation(check, result.status, checkedAt, result.checkerAddress);
      if (!check.config.disabled) {
        const inverted = check.config.inverted;
        const healthyResult = result.passed !== inverted;
        if (healthyResult === check.healthy) {
          consecutive = 0;
        } else {
          consecutive += 1;
          if (consecutive >= check.config.failureThreshold) {
            const kind = healthyResult ? 'successes' : 'failures';
            const reason = `${consecutive} consecutive ${kind}${inverted ? ' (inverted)' : ''}: ${result.summary}`;
            consecutive = 0;
            state.setHealthStatus(check, healthyResult, reason);
          }
        }
      }
      schedule();
    };

    schedule();
  });

  return {
    async stop(): Promise<void> {
      controller.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** One HTTP GET against the check's endpoint, on a fresh connection, as Route 53 does. */
export function probe(check: HealthCheckState, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  const config = check.config;
  return new Promise((resolve) => {
    let settled = false;
    let checkerAddress = '127.0.0.1';
    const finish = (result: Omit<ProbeResult, 'checkerAddress'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      resolve({ ...result, checkerAddress });
    };
    const req = request({
      host: config.ipAddress,
      port: config.port,
      method: 'GET',
      path: config.resourcePath === '' ? '/' : config.resourcePath,
      agent: false,
      headers: {
        host: config.fullyQualifiedDomainName === '' ? config.ipAddress : config.fullyQualifiedDomainName,
        'user-agent': 'Amazon-Route53-Health-Check-Service (ref drdrill-sandbox; report http://amzn.to/1vsZADi)',
      },
    });
    const timer = setTimeout(
      () =>
        finish({
          passed: false,
          status: 'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.',
          summary: `no answer within ${timeoutMs} ms`,
        }),
      timeoutMs,
    );
    const onAbort = (): void => finish({ passed: false, status: 'Failure: health checker stopped', summary: 'checker stopped' });
    signal.addEventListener('abort', onAbort);
    req.on('socket', (socket) => {
      socket.on('connect', () => {
        checkerAddress = socket.localAddress ?? checkerAddress;
      });
    });
    req.on('response', (res) => {
      const code = res.statusCode ?? 0;
      const passed = code >= 200 && code < 400;
      const text = `HTTP Status Code ${code}, ${STATUS_CODES[code] ?? 'Unknown'}`;
      res.resume();
      finish({ passed, status: `${passed ? 'Success' : 'Failure'}: ${text}`, summary: `HTTP ${code}` });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const refused = error.code === 'ECONNREFUSED';
      finish({
        passed: false,
        status: refused
          ? 'Failure: Connection refused. The endpoint is not accepting connections on the health check port.'
          : `Failure: ${error.message}`,
        summary: refused ? 'connection refused' : (error.code ?? error.message),
      });
    });
    req.end();
  });
}
