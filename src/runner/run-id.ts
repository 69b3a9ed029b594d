import { randomBytes } from 'node:crypto';

/** `<drill>-<UTC timestamp>-<6 hex>`: sorts by time, unique across concurrent runs of one drill. */
export function newRunId(drillName: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${drillName}-${stamp}-${randomBytes(3).toString('hex')}`;
}
