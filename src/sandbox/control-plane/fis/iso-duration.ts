/** A duration AWS takes in ISO 8601 form (`PT30S`, `PT10M`, `PT1H30M`, `P1D`) could not be read. */
export class InvalidIsoDurationError extends Error {
  override readonly name = 'InvalidIsoDurationError';
}

const ISO = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Parses an ISO 8601 duration (days, hours, minutes, seconds) into seconds.
 *
 * @throws InvalidIsoDurationError naming the text when it is not such a duration.
 */
export function parseIsoDuration(text: string): number {
  const match = ISO.exec(text.trim().toUpperCase());
  if (match === null || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase() === 'PT') {
    throw new InvalidIsoDurationError(`"${text}" is not an ISO 8601 duration such as PT30S or PT10M`);
  }
  const [, d, h, m, s] = match;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}
