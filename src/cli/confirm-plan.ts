import { createInterface } from 'node:readline/promises';
import type { Environment } from '../drill/environment.ts';
import { InvalidInputError } from '../drill/invalid-input-error.ts';
import type { PlannedChange } from '../injectors/injector.ts';
import type { CliIo } from './cli-io.ts';

/**
 * Before changing a real account, show the live plan and require `--yes` or the account id typed
 * at a terminal. Typing the id (not "y") makes the operator read which account this is.
 */
export function confirmPlan(
  yes: boolean,
  io: CliIo,
): (changes: readonly PlannedChange[], environment: Environment) => Promise<boolean> {
  return async (changes, environment) => {
    io.out(`This drill will change AWS account ${environment.accountId} (environment "${environment.name}"):`);
    for (const change of changes) io.out(`  ${change.target}: ${change.field} ${change.from} → ${change.to}`);
    if (yes) return true;
    if (!process.stdin.isTTY) {
      throw new InvalidInputError('--yes', [
        `--yes: required to change account ${environment.accountId} when there is no terminal to confirm at`,
      ]);
    }
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await prompt.question(`Type the account id (${environment.accountId}) to proceed, anything else to stop: `);
      return answer.trim() === environment.accountId;
    } finally {
      prompt.close();
    }
  };
}
