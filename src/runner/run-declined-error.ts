/** The operator declined the plan at the confirmation prompt; nothing was changed. */
export class RunDeclinedError extends Error {
  override readonly name = 'RunDeclinedError';
}
