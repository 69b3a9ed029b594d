#!/usr/bin/env node
// Drill and environment files are TypeScript, so drdrill runs under tsx's loader.
import { register } from 'tsx/esm/api';

// The SDK warns on every run that releases after January 2027 need Node 22; drdrill pins its SDK
// versions and supports Node 20.19+, so the warning is noise in drill output. Set the variable to
// "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../src/cli/main.ts');
