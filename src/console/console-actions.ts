import { z } from 'zod';
import type { ActionHandler } from './console-server.ts';

/** What the console's buttons do, each said by whom; false when the run refused (nothing to answer, no hold to extend). */
export interface ConsoleControls {
  answer(step: string, approved: boolean, operator: string): boolean;
  extend(ms: number, operator: string): boolean;
  note(text: string, operator: string): boolean;
  abort(operator: string): boolean;
}

const operator = z.string().trim().min(1, 'expected your name, so the timeline says who did this').max(100, 'expected a name of at most 100 characters');
const answerBody = z.strictObject({ operator, step: z.string().min(1, 'expected the approve step answered') });
const BODIES = {
  approve: answerBody,
  decline: answerBody,
  hold: z.strictObject({ operator, ms: z.number().int().min(1000, 'expected at least 1000 ms').max(300_000, 'expected at most 300000 ms (5 min)') }),
  note: z.strictObject({ operator, text: z.string().trim().min(1, 'expected the note').max(2000, 'expected a note of at most 2000 characters') }),
  abort: z.strictObject({ operator }),
} as const;

type Action = keyof typeof BODIES;

/** Why an action was refused, for the page to say. */
const REFUSED: Record<Action, string> = {
  approve: 'that question is not waiting any more (answered elsewhere, timed out, or the step is over)',
  decline: 'that question is not waiting any more (answered elsewhere, timed out, or the step is over)',
  hold: 'only a running hold or until can be extended, within the maximum fault duration and 5 min in all',
  note: 'no drill is running to take the note',
  abort: 'no drill is running',
};

/**
 * The console's POSTs checked field by field and handed to the controls. A bad body is 400 naming
 * the field and what was expected, and changes nothing; a refusal is 409 saying why.
 */
export function consoleActions(controls: () => ConsoleControls | undefined): ActionHandler {
  return (action, body) => {
    if (!isAction(action)) return { status: 404, body: { error: `no action "${action}"; expected one of ${Object.keys(BODIES).join(', ')}` } };
    const parsed = BODIES[action].safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
      return { status: 400, body: { error: problems.join('; ') } };
    }
    const target = controls();
    const done = target !== undefined && perform(target, action, parsed.data);
    return done ? { status: 200, body: { ok: true } } : { status: 409, body: { error: REFUSED[action] } };
  };
}

function perform(controls: ConsoleControls, action: Action, data: Record<string, unknown>): boolean {
  const who = String(data['operator']);
  switch (action) {
    case 'approve':
    case 'decline':
      return controls.answer(String(data['step']), action === 'approve', who);
    case 'hold':
      return controls.extend(Number(data['ms']), who);
    case 'note':
      return controls.note(String(data['text']), who);
    case 'abort':
      return controls.abort(who);
  }
}

function isAction(action: string): action is Action {
  return Object.hasOwn(BODIES, action);
}
