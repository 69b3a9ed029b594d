import { expect } from 'chai';
import { CoalescedTask } from '../../src/util/coalesced-task.ts';
import { sleep } from '../support/wait.ts';

describe('CoalescedTask', () => {
  it('shares one run between callers that ask while it lasts', async () => {
    let runs = 0;
    const task = new CoalescedTask(async () => {
      runs++;
      await sleep(30);
    }, 0);
    await Promise.all([task.run(), task.run(), task.run()]);
    expect(runs).to.equal(1);
    await task.run();
    expect(runs).to.equal(2);
  });

  it('skips a run asked for sooner than minGapMs after the last one started', async () => {
    let runs = 0;
    const task = new CoalescedTask(async () => {
      runs++;
    }, 200);
    await task.run();
    await task.run();
    expect(runs).to.equal(1);
    await sleep(220);
    await task.run();
    expect(runs).to.equal(2);
  });

  it('aborts the running work on stop, waits for it, and runs nothing afterwards', async () => {
    let aborted = false;
    let runs = 0;
    const task = new CoalescedTask(async (signal) => {
      runs++;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted = signal.aborted;
    }, 0);
    const running = task.run();
    await task.stop();
    await running;
    expect(aborted).to.equal(true);
    await task.run();
    expect(runs).to.equal(1);
  });
});
