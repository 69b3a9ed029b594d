import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { requestCredentialValues } from '../../src/drill/service-request.ts';
import { renderConsoleSummary } from '../../src/reporters/console-summary.ts';
import { writeRunDirectory } from '../../src/reporters/write-run-directory.ts';
import { buildFixtureRunRecord, buildFixtureSamples } from './fixture-run-record.ts';

// A variable name the redactor does not know as secret, holding a value of no recognisable shape.
const VARIABLE = 'ORDERS_HDR';
const VALUE = 'k-91c3e07b5d2a4f86';

describe('request credentials in the reports', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drdrill-credentials-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const env = { [VARIABLE]: VALUE, OTHER: 'not-read-by-any-request' };
  const services = { api: { request: { method: 'GET' as const, headers: { 'x-api-key': { fromEnv: VARIABLE }, 'x-client': 'drdrill' } } }, orders: {} };
  // A message that echoed the credential, as a misbehaving API or proxy might.
  const record = buildFixtureRunRecord({ outcome: 'aborted', exitCode: 3, reason: `aborted: upstream said "bad key ${VALUE}"` });

  it('are the values of the variables the services’ requests read, and only those', () => {
    expect(requestCredentialValues(services, env)).to.deep.equal([VALUE]);
    expect(requestCredentialValues(services, {})).to.deep.equal([]);
  });

  it('are redacted from every file of the run directory and from the console summary', async () => {
    await writeRunDirectory(dir, record, buildFixtureSamples(), { env, secrets: requestCredentialValues(services, env) });
    const files = await readdir(dir);
    expect(files.length).to.be.greaterThan(4);
    for (const file of files) {
      const bytes = await readFile(join(dir, file));
      const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      expect(text.includes(VALUE), file).to.equal(false);
    }
    expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')).reason).to.equal('aborted: upstream said "bad key [REDACTED]"');
    expect(renderConsoleSummary(record, [VALUE])).not.to.include(VALUE);
    // Without being told, the redactor would not know this value.
    expect(renderConsoleSummary(record)).to.include(VALUE);
  });
});
