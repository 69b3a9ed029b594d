import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { TimeoutError } from 'p-wait-for';
import { waitUntil } from '../../src/util/wait-until.ts';

describe('waitUntil', () => {
  it('leaves no listeners on the caller’s signal, however many times it polled', async () => {
    const controller = new AbortController();
    let checks = 0;
    let mostListeners = 0;
    await waitUntil(
      () => {
        mostListeners = Math.max(mostListeners, getEventListeners(controller.signal, 'abort').length);
        return ++checks === 30;
      },
      { interval: 1, signal: controller.signal },
    );
    expect(checks).to.equal(30);
    // p-wait-for alone leaves one per sleep (29 here) on the signal it is given.
    expect(mostListeners).to.equal(1);
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
  });

  it('rejects with the signal’s reason on abort, and with a TimeoutError carrying the message on timeout', async () => {
    const controller = new AbortController();
    const reason = new Error('stop now');
    const aborted = waitUntil(() => false, { interval: 5, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    expect(await aborted.catch((error: unknown) => error)).to.equal(reason);

    const started = Date.now();
    const timedOut = await waitUntil(() => false, { interval: 5, timeout: 50, timeoutMessage: 'never became true' }).catch((error: unknown) => error);
    expect(timedOut).to.be.instanceOf(TimeoutError).and.to.have.property('message', 'never became true');
    expect(Date.now() - started).to.be.at.least(45);
  });
});
