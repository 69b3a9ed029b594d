/** The baseline was not healthy, so the drill stopped before injecting anything (exit 3). */
export class SteadyStateError extends Error {
  override readonly name = 'SteadyStateError';
}
