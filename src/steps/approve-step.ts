import { z } from 'zod';
import { boundedDuration } from '../drill/bounded-duration.ts';
import { formatDuration } from '../drill/duration.ts';
import type { ApprovalAnswer } from '../runner/live-run.ts';
import type { StepContext } from './step-context.ts';
import type { StepKind } from './step.ts';
import { stepNameOption } from './step.ts';

/**
 * `approve`: asks a person before going on. While the question waits, faults stay in and load
 * and observers keep running; no answer within `timeout`, or a no, stops the drill with rollback.
 */
export const approveStepSchema = z.strictObject({
  step: z.literal('approve'),
  name: stepNameOption,
  question: z.string().min(1, 'expected the question to ask, e.g. "fail over service1?"'),
  timeout: boundedDuration({ min: 1000, why: 'a person needs time to answer' }),
});

export type ApproveStep = z.output<typeof approveStepSchema> & { readonly name: string };

export const approveStep: StepKind<ApproveStep> = {
  kind: 'approve',
  waits: true,
  budgetMs: (step) => step.timeout,
  summary: (step) => `approve "${step.question}" within ${formatDuration(step.timeout)}`,
  async run(step, context) {
    const { scope, approver, signal } = context;
    if (approver === undefined || !approver.canAnswer(step.name)) throw new Error(`nobody can answer approve step "${step.name}"`);
    const askedAt = Date.now();
    const deadline = askedAt + step.timeout;
    context.progress(`approval of "${step.question}"`, 'nobody has answered');
    scope.log(`approve         ${step.name}: ${step.question} (waiting up to ${formatDuration(step.timeout)})`);
    const answer = await ask(context, step, deadline);
    if (answer === undefined) {
      if (!signal.aborted) scope.stop.abort(new Error(`nobody answered approve step "${step.name}" within ${formatDuration(step.timeout)}`));
      return { status: 'aborted', observed: 'no answer' };
    }
    const operator = answer.via === 'console' ? answer.operator : context.operator;
    scope.timeline.approvals.push({
      at: Date.now(),
      askedAt,
      step: step.name,
      question: step.question,
      approved: answer.approved,
      operator,
      via: answer.via,
      ...(answer.comment === undefined ? {} : { comment: answer.comment }),
    });
    const said = `${answer.approved ? 'approved' : 'declined'} by ${operator} (${answer.via})`;
    scope.log(`approve         ${step.name}: ${said}`);
    if (!answer.approved) {
      scope.stop.abort(new Error(`approve step "${step.name}" was declined by ${operator}`));
      return { status: 'aborted', observed: said };
    }
    return { status: 'passed', observed: said };
  },
};

/** The approver's answer, or undefined when the deadline passed (or the run stopped) first. */
async function ask(context: StepContext, step: ApproveStep, deadline: number): Promise<ApprovalAnswer | undefined> {
  const { approver, signal } = context;
  if (approver === undefined) return undefined;
  const asking = AbortSignal.any([signal, AbortSignal.timeout(Math.max(0, deadline - Date.now()))]);
  const stopped = new Promise<undefined>((resolve) => {
    if (asking.aborted) resolve(undefined);
    asking.addEventListener('abort', () => resolve(undefined), { once: true });
  });
  try {
    const answer = await Promise.race([approver.ask({ step: step.name, question: step.question, deadline, signal: asking }), stopped]);
    return asking.aborted ? undefined : answer;
  } catch (error) {
    // An approver gives up by rejecting once its signal aborts; any other failure is the run's.
    if (asking.aborted) return undefined;
    throw error;
  }
}
