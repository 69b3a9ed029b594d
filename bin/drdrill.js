#!/usr/bin/env node
// Drill and environment files are TypeScript, so drdrill runs under tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
