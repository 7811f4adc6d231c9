import type { ImpressionLog } from './impression-log.js';

/**
 * Offsets of the runs of consecutive rows sharing a request id (and user):
 * request r is rows [offsets[r], offsets[r + 1]).
 */
export function requestOffsets(log: ImpressionLog): Int32Array {
  const offsets: number[] = [0];
  for (let k = 1; k < log.size; k++) {
    if (log.request[k] !== log.request[k - 1] || log.user[k] !== log.user[k - 1]) offsets.push(k);
  }
  if (log.size > 0) offsets.push(log.size);
  return Int32Array.from(offsets);
}
