#!/usr/bin/env node
// Drill and environment files are TypeScript, so drdrill runs under tsx's loader whether the CLI
// itself is the compiled dist/ (an installed package) or src/ (this repository, no build step).
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

// The SDK warns on every run that releases after January 2027 need Node 22; drdrill pins its SDK
// versions and supports Node 20.19+, so the warning is noise in drill output. Set the variable to
// "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
registerTsx();
// A packed tarball ships dist/ and no src/; a checkout has src/ and, after `npm pack`, a stale dist/.
const fromSource = existsSync(new URL('../src/cli/main.ts', import.meta.url));
if (fromSource) {
  register('./source-condition.js', import.meta.url);
  await import('../src/cli/main.ts');
} else {
  await import('../dist/cli/main.js');
}
