import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { readSamplesCsv, SamplesCsvError } from '../../src/reporters/read-samples-csv.ts';
import { samplesCsv } from '../../src/reporters/samples-csv.ts';
import { buildFixtureSamples } from './fixture-run-record.ts';

describe('readSamplesCsv', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drdrill-samples-csv-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('reads back every sample samplesCsv wrote, quoted fields and transport errors included', async () => {
    const samples = buildFixtureSamples();
    const file = join(dir, 'samples.csv.gz');
    await writeFile(file, gzipSync([...samplesCsv(samples)].join('')));
    const read = await readSamplesCsv(file);
    expect(read.length).to.equal(samples.length);
    const rounded = (ms: number): number => Math.round(ms * 1000) / 1000;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples.get(i);
      expect(read.get(i), `sample ${i}`).to.deep.equal({ ...sample, latencyMs: rounded(sample.latencyMs) });
    }
    expect(read.targets).to.deep.equal(['api, "v2"', 'api']);
    expect(read.errorAt(read.length - 1)).to.equal(undefined);
  });

  it('names the line of a row that is not what drdrill writes', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'start_ms,latency_ms,status,error,region,address,target,cohort\n1,2,200,,,,,\nsoon,2,200,,,,,\n');
    let error: unknown;
    await readSamplesCsv(file).catch((caught: unknown) => (error = caught));
    expect(error).to.be.instanceOf(SamplesCsvError);
    expect((error as Error).message).to.match(/bad\.csv line 3 is "soon,2,200,,,,,"/);
  });
});
