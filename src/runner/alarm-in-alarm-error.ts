/**
 * A stop alarm was already in ALARM before anything was injected, so the drill refused to start:
 * faulting a system that is already alarming proves nothing and widens a live incident (exit 3,
 * nothing to roll back).
 */
export class AlarmInAlarmError extends Error {
  override readonly name = 'AlarmInAlarmError';
  /** One line per alarm in ALARM, naming it, its region, when it changed and why. */
  readonly alarms: readonly string[];

  constructor(alarms: readonly string[]) {
    super(
      alarms.length === 1
        ? `a stop alarm is already in ALARM, so nothing was injected: ${alarms[0] ?? ''}`
        : `${alarms.length} stop alarms are already in ALARM, so nothing was injected:\n${alarms.map((line) => `  - ${line}`).join('\n')}`,
    );
    this.alarms = alarms;
  }
}
