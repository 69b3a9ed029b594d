import type { ApprovalAnswer, ApprovalRequest, Approver } from '../runner/live-run.ts';

interface Waiting {
  readonly request: ApprovalRequest;
  resolve(answer: ApprovalAnswer): void;
}

/**
 * The console as one more Approver: it can answer every approve step (whoever has the page open),
 * holds the question while it waits and takes the first answer posted for that step. The first
 * answer from any approver wins; once another one answers, the request's signal withdraws the
 * question here too.
 */
export class ConsoleApprover implements Approver {
  #waiting: Waiting | undefined;
  readonly #onChange: () => void;

  /** @param onChange called whenever a question appears or goes, so the page learns at once */
  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  canAnswer(): boolean {
    return true;
  }

  ask(request: ApprovalRequest): Promise<ApprovalAnswer> {
    return new Promise<ApprovalAnswer>((resolve, reject) => {
      if (request.signal.aborted) {
        reject(request.signal.reason);
        return;
      }
      const waiting: Waiting = { request, resolve };
      this.#waiting = waiting;
      request.signal.addEventListener(
        'abort',
        () => {
          if (this.#waiting === waiting) this.#withdraw();
          reject(request.signal.reason);
        },
        { once: true },
      );
      this.#onChange();
    });
  }

  /** The question waiting here, if one is. */
  question(): { readonly step: string; readonly question: string; readonly deadline: number } | undefined {
    const request = this.#waiting?.request;
    return request === undefined ? undefined : { step: request.step, question: request.question, deadline: request.deadline };
  }

  /** Answers the waiting question; false when `step` is not the one waiting (answered elsewhere, timed out, a stale page). */
  answer(step: string, approved: boolean, operator: string): boolean {
    const waiting = this.#waiting;
    if (waiting === undefined || waiting.request.step !== step) return false;
    this.#withdraw();
    waiting.resolve({ approved, operator, via: 'console' });
    return true;
  }

  #withdraw(): void {
    this.#waiting = undefined;
    this.#onChange();
  }
}
