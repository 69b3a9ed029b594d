import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { access, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lockJournal } from '../../src/runner/journal-lock.ts';
import { ownProcessIdentity, processLiveness, readProcessIdentity } from '../../src/runner/process-identity.ts';

describe('the journal lock recover takes', () => {
  let dir: string;
  let journal: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drdrill-journal-lock-'));
    journal = path.join(dir, 'run.ndjson');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is exclusive while its holder lives: a second taker waits, then reports who holds it', async () => {
    const first = await lockJournal(journal);
    if (!('acquired' in first)) throw new Error('the first lock was refused');
    const started = Date.now();
    const second = await lockJournal(journal, { waitMs: 300, pollMs: 20 });
    expect(second).to.deep.equal({ heldBy: `recover pid ${process.pid}` });
    expect(Date.now() - started).to.be.at.least(300);
    await first.acquired.release();
    const third = await lockJournal(journal, { waitMs: 0 });
    expect(third).to.have.property('acquired');
  });

  it('takes over a lock whose holder has exited, even though its pid may now be someone else’s', async () => {
    const exited = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(`${journal}.lock`, JSON.stringify({ pid: exited, startTime: '1', cmdline: 'node recover' }));
    const result = await lockJournal(journal, { waitMs: 0 });
    expect(result).to.have.property('acquired');
  });

  it('takes over a lock left empty by a holder that died between creating and writing it, once it is old', async () => {
    await writeFile(`${journal}.lock`, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(`${journal}.lock`, old, old);
    expect(await lockJournal(journal, { waitMs: 0 })).to.have.property('acquired');
  });

  it('leaves no lock file behind once released', async () => {
    const result = await lockJournal(journal);
    if (!('acquired' in result)) throw new Error('refused');
    await result.acquired.release();
    expect(await access(`${journal}.lock`).then(() => 'present', () => 'gone')).to.equal('gone');
  });
});

describe('process identity', () => {
  it('tells a live process from one that reuses its pid: same pid, other start time → gone', () => {
    const own = ownProcessIdentity();
    if (own === undefined) throw new Error('cannot read this process');
    expect(processLiveness(own)).to.equal('alive');
    expect(processLiveness({ ...own, startTime: `${own.startTime}0` })).to.equal('gone');
    expect(processLiveness({ ...own, cmdline: `${own.cmdline} --other` })).to.equal('gone');
    expect(readProcessIdentity(own.pid)).to.deep.equal(own);
  });
});
