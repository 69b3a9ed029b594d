import { createBuiltinEngine, type BuiltinEngineOptions } from './builtin-engine.ts';
import { findK6, K6NotFoundError, K6VersionError } from './k6-binary.ts';
import { createK6Engine, type K6EngineOptions } from './k6-engine.ts';
import type { LoadEngine } from './load-engine.ts';

/** The `--load` flag's values. */
export const LOAD_CHOICES = ['auto', 'k6', 'builtin'] as const;
export type LoadChoice = (typeof LOAD_CHOICES)[number];

/** `--load` given something other than auto, k6 or builtin. */
export class LoadChoiceError extends Error {
  override readonly name = 'LoadChoiceError';

  constructor(value: unknown) {
    super(`--load is ${JSON.stringify(value)}; expected one of ${LOAD_CHOICES.join(', ')}`);
  }
}

export interface SelectEngineOptions {
  /** Environment to find k6 in (K6_BIN, PATH) and to run it with; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The DNS server the load must resolve through (the environment's `loadResolver`). k6 can only
   * use the system resolver, so `auto` picks the built-in engine when this is set.
   */
  readonly resolver?: string;
  readonly k6?: Omit<K6EngineOptions, 'binary' | 'env'>;
  readonly builtin?: BuiltinEngineOptions;
}

/** The engine chosen and one line saying which and why, for the console and the run record. */
export interface SelectedEngine {
  readonly engine: LoadEngine;
  readonly note: string;
}

/**
 * Chooses the load engine for `--load`:
 * - `builtin`: the built-in open-model engine.
 * - `k6`: k6 from K6_BIN or PATH, v0.57+; rejects with K6NotFoundError / K6VersionError (bad input:
 *   nothing was started) when it is missing or too old.
 * - `auto`: k6 when it is present, new enough, and no custom resolver is needed; otherwise the
 *   built-in engine, with the note saying why.
 *
 * @throws LoadChoiceError for any other value.
 */
export async function selectEngine(choice: LoadChoice, options: SelectEngineOptions = {}): Promise<SelectedEngine> {
  if (!(LOAD_CHOICES as readonly string[]).includes(choice)) throw new LoadChoiceError(choice);
  const builtin = (): LoadEngine => createBuiltinEngine(options.builtin ?? {});
  if (choice === 'builtin') return { engine: builtin(), note: 'load engine: builtin (chosen with --load builtin)' };

  const findOptions = options.env === undefined ? {} : { env: options.env };
  if (choice === 'k6') {
    const binary = await findK6(findOptions);
    const caveat =
      options.resolver === undefined
        ? ''
        : `; note: k6 uses the system resolver, not ${options.resolver}, so it sees DNS failover only through an edge URL`;
    return {
      engine: createK6Engine({ ...options.k6, binary, ...(options.env === undefined ? {} : { env: options.env }) }),
      note: `load engine: k6 v${binary.version} (${binary.path}, chosen with --load k6)${caveat}`,
    };
  }

  let binary;
  try {
    binary = await findK6(findOptions);
  } catch (error) {
    if (error instanceof K6NotFoundError) return { engine: builtin(), note: 'load engine: builtin (auto: k6 is not installed)' };
    if (error instanceof K6VersionError) return { engine: builtin(), note: `load engine: builtin (auto: ${error.message})` };
    throw error;
  }
  if (options.resolver !== undefined) {
    return {
      engine: builtin(),
      note: `load engine: builtin (auto: k6 v${binary.version} found, but this environment resolves through ${options.resolver}, which k6 cannot use)`,
    };
  }
  return {
    engine: createK6Engine({ ...options.k6, binary, ...(options.env === undefined ? {} : { env: options.env }) }),
    note: `load engine: k6 v${binary.version} (auto: found at ${binary.path})`,
  };
}
