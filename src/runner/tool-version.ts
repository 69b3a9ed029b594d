import { readFileSync } from 'node:fs';

/** drdrill's own version, from package.json, for reports and evidence. */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
