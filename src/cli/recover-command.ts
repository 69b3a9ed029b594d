import { defaultStateDir } from '../runner/journal.ts';
import { recover } from '../runner/recover.ts';
import { EXIT_CODES } from '../runner/run-record.ts';
import type { CliIo } from './cli-io.ts';

/** `drdrill recover`: undoes what interrupted runs left behind. Safe to run any number of times. */
export async function recoverCommand(options: { readonly stateDir?: string; readonly force: boolean }, io: CliIo): Promise<number> {
  const report = await recover({ stateDir: options.stateDir ?? defaultStateDir(), force: options.force, log: io.out });
  for (const line of report.skipped) io.err(`skipped ${line}`);
  for (const line of report.leftOpen) io.err(`NOT RECOVERED ${line}`);
  for (const failure of report.failed) {
    io.err(`could not undo ${failure.target}: ${failure.error}\n  undo by hand:\n${failure.manualUndo.map((l) => `    ${l}`).join('\n')}`);
  }
  io.out(
    report.journals === 0
      ? 'nothing to recover: no interrupted run left a journal'
      : `recover: ${report.journals} interrupted run(s), ${report.undone} fault(s) undone, ${report.failed.length} failed, ${report.skipped.length} skipped, ${report.leftOpen.length} left open`,
  );
  // A journal left open may still have faults in: as much a reason for exit 4 as a failed undo.
  return report.failed.length > 0 || report.leftOpen.length > 0 ? EXIT_CODES['rollback-failed'] : EXIT_CODES.passed;
}
