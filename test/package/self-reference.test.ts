import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import * as publicApi from 'drdrill';

/** Files a user copies: every drill and environment this repository ships. */
async function shippedFiles(): Promise<string[]> {
  const entries = await readdir('drills', { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => path.join(entry.parentPath, entry.name));
}

describe("import … from 'drdrill' in this repository", () => {
  it('resolves to the current source, src/index.ts, while a consumer (no drdrill-source condition) gets dist/', async () => {
    expect(createRequire(import.meta.url).resolve('drdrill')).to.equal(path.resolve('src/index.ts'));
    expect(publicApi.defineDrill).to.be.a('function');
    expect(publicApi.runDrill).to.be.a('function');
    const manifest = JSON.parse(await readFile('package.json', 'utf8')) as { exports: { '.': Record<string, string> } };
    expect(manifest.exports['.']).to.deep.equal({ 'drdrill-source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' });
  });

  it('is the only way the shipped drills and environments reach drdrill (no deep imports into src/)', async () => {
    const files = await shippedFiles();
    expect(files.length).to.be.greaterThan(10);
    for (const file of files) {
      const specifiers = [...(await readFile(file, 'utf8')).matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
      expect(specifiers, file).to.include('drdrill');
      expect(specifiers.filter((s) => s !== 'drdrill' && !s?.startsWith('node:')), file).to.deep.equal([]);
    }
  });
});
