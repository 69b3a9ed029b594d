import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** uPlot's minified browser bundle and stylesheet, to be inlined into a page. */
export interface UplotAssets {
  readonly js: string;
  readonly css: string;
  readonly version: string;
}

let cached: UplotAssets | undefined;

/**
 * Reads uPlot (MIT) from node_modules once per process. The report inlines it instead of
 * linking a CDN because a report must open offline, years later, on an auditor's laptop.
 * `</script` cannot occur in the bundle's code, but is neutralised anyway so a future uPlot
 * release cannot end the inline script early.
 */
export function uplotAssets(): UplotAssets {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const jsPath = require.resolve('uplot/dist/uPlot.iife.min.js');
  const cssPath = require.resolve('uplot/dist/uPlot.min.css');
  const pkg = JSON.parse(readFileSync(require.resolve('uplot/package.json'), 'utf8')) as { version: string };
  cached = {
    js: readFileSync(jsPath, 'utf8').replace(/<\/script/gi, '<\\/script'),
    css: readFileSync(cssPath, 'utf8').replace(/<\/style/gi, '<\\/style'),
    version: pkg.version,
  };
  return cached;
}

/** JSON for a `<script type="application/json">` block: `<` escaped so no text can close the block. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
