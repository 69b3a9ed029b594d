import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of the k6 stand-in (test/fixtures/k6/fake-k6.mjs), made executable in case git lost the bit. */
export function fakeK6Path(): string {
  const path = fileURLToPath(new URL('../../fixtures/k6/fake-k6.mjs', import.meta.url));
  chmodSync(path, 0o755);
  return path;
}

/** process.env plus K6_BIN pointing at the stand-in and the given FAKE_K6_* switches. */
export function fakeK6Env(switches: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, K6_BIN: fakeK6Path(), ...switches };
  return env;
}
