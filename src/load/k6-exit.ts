/**
 * What a k6 exit code means for a drill (k6's errext/exitcodes). 0 and 99 end a load normally
 * (99: the drill's thresholds were crossed, the samples are complete); the rest are failures.
 */
export type K6ExitKind =
  | 'completed'
  | 'thresholds-crossed'
  | 'setup-timeout'
  | 'teardown-timeout'
  | 'timeout'
  | 'engine-error'
  | 'invalid-config'
  | 'external-abort'
  | 'rest-api-error'
  | 'script-error'
  | 'script-aborted'
  | 'panic'
  | 'marked-failed'
  | 'cloud-error'
  | 'killed'
  | 'unknown';

const KINDS: ReadonlyMap<number, { kind: K6ExitKind; meaning: string }> = new Map([
  [0, { kind: 'completed', meaning: 'the test ran to the end' }],
  [97, { kind: 'cloud-error', meaning: 'the cloud test run failed' }],
  [98, { kind: 'cloud-error', meaning: 'k6 could not get cloud progress' }],
  [99, { kind: 'thresholds-crossed', meaning: 'one or more thresholds were crossed' }],
  [100, { kind: 'setup-timeout', meaning: 'setup() took too long' }],
  [101, { kind: 'teardown-timeout', meaning: 'teardown() took too long' }],
  [102, { kind: 'timeout', meaning: 'a generic timeout' }],
  [103, { kind: 'engine-error', meaning: 'k6 engine error' }],
  [104, { kind: 'invalid-config', meaning: 'invalid options or configuration' }],
  [105, { kind: 'external-abort', meaning: 'stopped from outside (signal or REST API)' }],
  [106, { kind: 'rest-api-error', meaning: 'k6 could not start its REST API' }],
  [107, { kind: 'script-error', meaning: 'the script threw an exception' }],
  [108, { kind: 'script-aborted', meaning: 'the script called test.abort()' }],
  [109, { kind: 'panic', meaning: 'k6 crashed (Go panic)' }],
  [110, { kind: 'marked-failed', meaning: 'the script marked the test as failed' }],
]);

/** The kind and a plain-words meaning of how k6 exited (`code` null: killed by `signal`). */
export function describeK6Exit(code: number | null, signal: NodeJS.Signals | null): { kind: K6ExitKind; meaning: string } {
  if (code === null) return { kind: 'killed', meaning: `k6 was killed by ${signal ?? 'a signal'}` };
  return KINDS.get(code) ?? { kind: 'unknown', meaning: `k6 exited with unexpected code ${code}` };
}
