import { expect } from 'chai';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../src/cli/cli.ts';
import { captureIo, tempDir } from '../e2e/e2e-kit.ts';

describe('drdrill list', () => {
  it('lists the shipped drills with their injectors', async () => {
    const io = captureIo();
    expect(await runCli(['list'], io)).to.equal(0);
    expect(io.text()).to.include('drills/sandbox/primary-lambda-throttle.drill.ts\n  primary-lambda-throttle — lambda-throttle');
  });

  it('flags an invalid drill and exits 2', async () => {
    const dir = await tempDir('list');
    try {
      await writeFile(path.join(dir, 'broken.drill.ts'), 'export const drill = { name: "Broken Name" };\n');
      const io = captureIo();
      expect(await runCli(['list', dir], io)).to.equal(2);
      expect(io.text()).to.match(/broken\.drill\.ts\n  INVALID: name: expected lowercase letters/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
