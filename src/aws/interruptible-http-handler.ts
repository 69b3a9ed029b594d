import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CallDeadlines } from './call-deadlines.ts';

type Handle = NodeHttpHandler['handle'];

/**
 * The SDK's Node HTTP handler with two additions every drdrill client needs: deadlines on connect
 * and on the whole response (the handler's defaults are none, so a control plane that accepts a
 * connection and never answers held a rollback call for as long as it stayed silent), and an
 * `interrupt` that aborts every request in flight at once — what a signal during a blocked call
 * does, so the rollback can go on with its next attempt instead of waiting out the deadline.
 */
export class InterruptibleHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  readonly #inner: NodeHttpHandler;
  #interrupts = new AbortController();

  constructor(deadlines: CallDeadlines) {
    this.#inner = new NodeHttpHandler({
      connectionTimeout: deadlines.connectMs,
      requestTimeout: deadlines.responseMs,
      // Without it the handler only logs a warning when requestTimeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
    });
  }

  handle(...[request, options]: Parameters<Handle>): ReturnType<Handle> {
    const own = options?.abortSignal;
    const signal = own instanceof AbortSignal ? AbortSignal.any([own, this.#interrupts.signal]) : this.#interrupts.signal;
    return this.#inner.handle(request, { ...options, abortSignal: signal });
  }

  /** Aborts every request in flight (they fail with AbortError, which the SDK does not retry); later requests go ahead. */
  interrupt(reason: string): void {
    const current = this.#interrupts;
    this.#interrupts = new AbortController();
    current.abort(reason);
  }

  updateHttpClientConfig(...args: Parameters<NodeHttpHandler['updateHttpClientConfig']>): void {
    this.#inner.updateHttpClientConfig(...args);
  }

  httpHandlerConfigs(): ReturnType<NodeHttpHandler['httpHandlerConfigs']> {
    return this.#inner.httpHandlerConfigs();
  }

  destroy(): void {
    this.interrupt('the clients were closed');
    this.#inner.destroy();
  }
}
