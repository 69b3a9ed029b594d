import type { PlannedChange } from '../injectors/injector.ts';
import type { StateSnapshot } from './run-record.ts';

/** The value each planned change would change from, as read live: the state before (or after) the drill. */
export function snapshotOf(changes: readonly PlannedChange[]): StateSnapshot {
  return { at: Date.now(), items: changes.map((change) => ({ target: change.target, field: change.field, value: change.from })) };
}
