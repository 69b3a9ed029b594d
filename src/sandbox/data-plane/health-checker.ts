import { STATUS_CODES, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setMaxListeners } from 'node:events';
import { connect } from 'node:net';
import { isProbed } from './health-check-model.ts';
import type { CheckerState, HealthCheckConfig, HealthCheckState } from './health-check-model.ts';
import type { SandboxState } from '../sandbox-state.ts';

/** Route 53's limits: connect within 4 s and answer within 2 s (HTTP); connect within 10 s (TCP). */
const HTTP_RESPONSE_LIMIT_MS = 2000;
const TCP_CONNECT_LIMIT_MS = 10_000;
/** String matching reads the first 5,120 bytes of the body. */
const SEARCH_BYTES = 5120;
/** Gap between the first probes of successive checks, so they do not all fire in the same tick. */
const STAGGER_MS = 7;

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
 * Probes each HTTP/HTTPS/TCP health check from every one of its checker regions once per
 * RequestInterval × timeScale (each region on its own connection). Each checker
 * keeps its own status, flipped after FailureThreshold consecutive results that disagree with it
 * (Inverted flips each result); the state then applies Route 53's vote (healthy while more than
 * 18% of checkers say so). Disabled stops probing. CALCULATED and RECOVERY_CONTROL checks are not
 * probed: the state derives them.
 */
export function startHealthChecker(state: SandboxState): HealthChecker {
  const controller = new AbortController();
  // Every probe in flight listens for the stop: checks × checker regions of them at once.
  setMaxListeners(0, controller.signal);
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const timeScale = state.topology.timeScale;

  state.healthChecks().filter((check) => isProbed(check.config.type)).forEach((check, index) => {
    const intervalMs = check.config.requestInterval * timeScale * 1000;
    let seenVersion = check.version;
    let due = Date.now() + STAGGER_MS * (index + 1);

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
        // Any reconfiguration restarts the counts, as a freshly updated check would.
        seenVersion = check.version;
        for (const checker of check.checkers.values()) checker.consecutive = 0;
      }
      if (check.config.disabled) {
        for (const c of check.checkers.values()) c.consecutive = 0;
        schedule();
        return;
      }
      // Every checker region probes once per interval, each on its own connection. They run in
      // step so that a poller reading GetHealthCheckStatus sees every region from the first round.
      const regions = [...check.config.regions];
      const results = await Promise.all(regions.map(() => probe(check.config, Math.min(HTTP_RESPONSE_LIMIT_MS, intervalMs), controller.signal)));
      if (controller.signal.aborted) return;
      if (!check.config.disabled && check.version === seenVersion) {
        regions.forEach((region, i) => {
          const checker = check.checkers.get(region);
          const result = results[i];
          if (checker !== undefined && result !== undefined) judge(state, check, region, checker, result);
        });
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

function judge(state: SandboxState, check: HealthCheckState, region: string, checker: CheckerState, result: ProbeResult): void {
  const inverted = check.config.inverted;
  const healthyResult = result.passed !== inverted;
  let reason = result.summary;
  if (healthyResult === checker.healthy) {
    checker.consecutive = 0;
  } else {
    checker.consecutive += 1;
    if (checker.consecutive >= check.config.failureThreshold) {
      const kind = healthyResult ? 'successes' : 'failures';
      reason = `${checker.consecutive} consecutive ${kind}${inverted ? ' (inverted)' : ''}: ${result.summary}`;
      checker.consecutive = 0;
      checker.healthy = healthyResult;
    }
  }
  state.recordCheckerResult(check, { region, ipAddress: result.checkerAddress, status: result.status, checkedTime: Date.now() }, checker.healthy, reason);
}

/**
 * One probe of a health check's endpoint on a fresh connection, as Route 53 does: HTTP(S) passes
 * on 2xx/3xx within the time limit (and, for *_STR_MATCH, when the search string is in the first
 * 5,120 bytes); TCP passes when the connection opens.
 */
export function probe(config: HealthCheckConfig, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  if (config.type === 'TCP') return probeTcp(config, Math.min(TCP_CONNECT_LIMIT_MS, timeoutMs), signal);
  return probeHttp(config, timeoutMs, signal);
}

function probeTcp(config: HealthCheckConfig, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: config.ipAddress, port: config.port });
    let settled = false;
    const finish = (passed: boolean, status: string, summary: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      const checkerAddress = socket.localAddress ?? '127.0.0.1';
      socket.destroy();
      resolve({ passed, status, summary, checkerAddress });
    };
    const timer = setTimeout(() => finish(false, 'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.', `no connection within ${timeoutMs} ms`), timeoutMs);
    const onAbort = (): void => finish(false, 'Failure: health checker stopped', 'checker stopped');
    signal.addEventListener('abort', onAbort);
    socket.on('connect', () => finish(true, 'Success: TCP connection established.', 'TCP connected'));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(false, error.code === 'ECONNREFUSED' ? 'Failure: Connection refused. The endpoint is not accepting connections on the health check port.' : `Failure: ${error.message}`, error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message)),
    );
  });
}

function probeHttp(config: HealthCheckConfig, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  const https = config.type === 'HTTPS' || config.type === 'HTTPS_STR_MATCH';
  const matching = config.type === 'HTTP_STR_MATCH' || config.type === 'HTTPS_STR_MATCH';
  return new Promise((resolve) => {
    let settled = false;
    let checkerAddress = '127.0.0.1';
    let req: ClientRequest | undefined;
    const finish = (result: Omit<ProbeResult, 'checkerAddress'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      req?.destroy();
      resolve({ ...result, checkerAddress });
    };
    const options = {
      host: config.ipAddress,
      port: config.port,
      method: 'GET',
      path: config.resourcePath === '' ? '/' : config.resourcePath,
      agent: false as const,
      headers: {
        host: config.fullyQualifiedDomainName === '' ? config.ipAddress : config.fullyQualifiedDomainName,
        'user-agent': 'Amazon-Route53-Health-Check-Service (ref drdrill-sandbox; report http://amzn.to/1vsZADi)',
      },
      ...(https ? { rejectUnauthorized: false, servername: config.fullyQualifiedDomainName === '' ? undefined : config.fullyQualifiedDomainName } : {}),
    };
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
    const onResponse = (res: IncomingMessage): void => {
      const code = res.statusCode ?? 0;
      const statusOk = code >= 200 && code < 400;
      const text = `HTTP Status Code ${code}, ${STATUS_CODES[code] ?? 'Unknown'}`;
      if (!matching || !statusOk) {
        res.resume();
        finish({ passed: statusOk, status: `${statusOk ? 'Success' : 'Failure'}: ${text}`, summary: `HTTP ${code}` });
        return;
      }
      let body = Buffer.alloc(0);
      const decide = (): void => {
        const found = body.subarray(0, SEARCH_BYTES).toString('utf8').includes(config.searchString);
        finish(
          found
            ? { passed: true, status: `Success: ${text}. Resolved with search string match.`, summary: `HTTP ${code}, string found` }
            : { passed: false, status: `Failure: ${text}. Failed to find the search string in the first 5120 bytes of the response body.`, summary: `HTTP ${code}, string not found` },
        );
      };
      res.on('data', (chunk: Buffer) => {
        body = Buffer.concat([body, chunk]);
        if (body.length >= SEARCH_BYTES) decide();
      });
      res.on('end', decide);
      res.on('error', decide);
    };
    req = https ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
    req.on('socket', (socket) => {
      socket.on('connect', () => {
        checkerAddress = socket.localAddress ?? checkerAddress;
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const refused = error.code === 'ECONNREFUSED';
      finish({
        passed: false,
        status: refused ? 'Failure: Connection refused. The endpoint is not accepting connections on the health check port.' : `Failure: ${error.message}`,
        summary: refused ? 'connection refused' : (error.code ?? error.message),
      });
    });
    req.end();
  });
}
