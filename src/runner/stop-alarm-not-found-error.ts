/**
 * A stop alarm the drill lists does not exist where it says (a typo, the wrong region, an alarm
 * deleted since). Before injection this is bad input (exit 2, nothing changed): a stop condition
 * that cannot fire is worse than none, because the operator believes they are protected.
 */
export class StopAlarmNotFoundError extends Error {
  override readonly name = 'StopAlarmNotFoundError';
  /**
   * One line per missing alarm, each led by its drill field path, e.g.
   * `guardrails.stopOnAlarms[1].name: no CloudWatch metric or composite alarm "api-5xxx" in us-east-1 (primary) (check the name and the region)`,
   * ready for `new InvalidInputError(file, error.problems)`.
   */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? (problems[0] ?? '') : `${problems.length} stop alarms do not exist:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}
