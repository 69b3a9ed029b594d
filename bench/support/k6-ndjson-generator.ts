/**
 * Writes synthetic k6 `--out json` NDJSON the way k6 (current easyjson envelopes) lays it out: a
 * Metric line the first time a metric appears, then per request one Point for every built-in HTTP
 * metric plus drdrill's `drdrill_request`, with nanosecond RFC 3339 times and sorted tags. Failed
 * requests have status 0 and an error_code. Used by the ingest benchmark and the parser tests.
 */
export interface GeneratorOptions {
  /** Requests to describe. */
  readonly requests: number;
  /** Epoch ms of the first request. */
  readonly startMs?: number;
  /** Requests per second (spacing of times). */
  readonly rate?: number;
  /** Every n-th request fails with a connection refusal (status 0, error_code 1212); 0 = never. */
  readonly failEvery?: number;
  readonly url?: string;
  /** Only drdrill_request points (the worst case for a reader: every line must be parsed). */
  readonly onlySamples?: boolean;
}

const BUILTIN_TRENDS = [
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
] as const;

/** k6's time format: local-offset-free UTC with nanoseconds. */
export function k6Time(epochMs: number, extraNs = 0): string {
  const whole = Math.floor(epochMs);
  const iso = new Date(whole).toISOString(); // 2025-03-01T12:00:00.123Z
  const nanos = Math.round((epochMs - whole) * 1e6) + extraNs;
  return `${iso.slice(0, 23)}${String(Math.min(999_999, Math.max(0, nanos))).padStart(6, '0')}Z`;
}

function metricLine(name: string, type: string, contains: string): string {
  return `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${contains}","thresholds":[],"submetrics":null},"metric":"${name}"}`;
}

function point(metric: string, time: string, value: number, tags: string): string {
  return `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}`;
}

/**
 * Yields NDJSON text in chunks of about `chunkLines` lines (each ends with a newline), so a
 * benchmark can write gigabytes without holding them.
 */
export function* generateK6Ndjson(options: GeneratorOptions, chunkLines = 4096): Generator<string> {
  const rate = options.rate ?? 500;
  const startMs = options.startMs ?? Date.UTC(2025, 2, 1, 12, 0, 0);
  const url = options.url ?? 'http://api.drdrill.test:8080/';
  const seen = new Set<string>();
  let lines: string[] = [];
  const emit = (line: string): void => {
    lines.push(line);
  };
  const declare = (name: string, type: string, contains: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    emit(metricLine(name, type, contains));
  };
  for (let i = 0; i < options.requests; i++) {
    const failed = options.failEvery !== undefined && options.failEvery > 0 && i % options.failEvery === options.failEvery - 1;
    const region = i % 2 === 0 ? 'us-east-1' : 'us-west-2';
    const address = i % 2 === 0 ? '127.0.0.2' : '127.0.0.3';
    const latency = 2 + (i % 17) * 0.25;
    const end = startMs + (i * 1000) / rate + latency;
    const time = k6Time(end, i % 1000);
    const status = failed ? '0' : '200';
    const httpTags =
      `{"expected_response":"${failed ? 'false' : 'true'}",${failed ? '"error":"dial: connection refused","error_code":"1212",' : ''}"group":"",` +
      `"method":"GET","name":"${url}","proto":"${failed ? '' : 'HTTP/1.1'}","scenario":"target_0","status":"${status}","url":"${url}"}`;
    if (options.onlySamples !== true) {
      declare('http_reqs', 'counter', 'default');
      emit(point('http_reqs', time, 1, httpTags));
      for (const name of BUILTIN_TRENDS) {
        declare(name, 'trend', 'time');
        emit(point(name, time, name === 'http_req_duration' ? latency : 0.1, httpTags));
      }
      declare('http_req_failed', 'rate', 'default');
      emit(point('http_req_failed', time, failed ? 1 : 0, httpTags));
      declare('data_sent', 'counter', 'data');
      emit(point('data_sent', time, 96, '{"group":"","scenario":"target_0"}'));
      declare('data_received', 'counter', 'data');
      emit(point('data_received', time, failed ? 0 : 187, '{"group":"","scenario":"target_0"}'));
    }
    declare('drdrill_request', 'trend', 'time');
    const ours = failed
      ? `{"error_code":"1212","scenario":"target_0","status":"0","target":"api"}`
      : `{"address":"${address}","region":"${region}","scenario":"target_0","status":"200","target":"api"}`;
    emit(point('drdrill_request', time, latency, ours));
    if (options.onlySamples !== true) {
      declare('iteration_duration', 'trend', 'time');
      emit(point('iteration_duration', time, latency + 0.2, '{"group":"","scenario":"target_0"}'));
      declare('iterations', 'counter', 'default');
      emit(point('iterations', time, 1, '{"group":"","scenario":"target_0"}'));
    }
    if (lines.length >= chunkLines) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

/** Points per request the generator writes (for sizing a run by points). */
export const POINTS_PER_REQUEST = 1 + BUILTIN_TRENDS.length + 1 + 2 + 1 + 2;
