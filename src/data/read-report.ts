import type { ReadReport } from './types.js';

/** How many bad-row messages a report keeps: enough to see the pattern, bounded on a broken file. */
export const MAX_REPORTED_ERRORS = 20;

export function createReadReport(file = ''): ReadReport {
  return { file, rows: 0, skipped: 0, errors: [] };
}

/** Counts a skipped row, keeping its message while there is room. */
export function recordSkipped(report: ReadReport | undefined, message: string): void {
  if (report === undefined) return;
  report.skipped++;
  if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(message);
}
