import type { ControlPlaneCall, SandboxEvent } from './sandbox-handle.ts';

/**
 * Append-only record, in order. Readers get a frozen copy so nothing outside the sandbox can
 * rewrite ground truth after the fact.
 */
export class AppendOnlyLog<T> {
  readonly #entries: T[] = [];

  append(entry: T): void {
    this.#entries.push(Object.freeze(entry));
  }

  list(): readonly T[] {
    return Object.freeze([...this.#entries]);
  }
}

/** The sandbox's ground truth about its own state changes. */
export type EventLog = AppendOnlyLog<SandboxEvent>;

/** Every control-plane request the sandbox answered. */
export type CallLog = AppendOnlyLog<ControlPlaneCall>;
