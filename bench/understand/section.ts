import type { Logger } from '../../src/core/index.js';

/** What every section of `npm run bench:understand` gets. */
export interface BenchContext {
  /** The shared real data folder (`../shared/data` unless GENFEED_DATA is set). */
  dataRoot: string;
  seed: number;
  logger: Logger;
}

/** One section's outcome: its JSON (under the section's name in understand.json) and a table to print. */
export interface SectionResult {
  results: unknown;
  table: string;
}

/**
 * A section of the understand benchmark. Each file in `sections/` exports one as
 * `section`; the runner finds them by listing the folder, so adding a section
 * means adding a file. `run` returns null (and logs why) when its data is absent.
 */
export interface BenchSection {
  name: string;
  run(context: BenchContext): Promise<SectionResult | null>;
}

/** A fixed-width text table: header row, rule, rows. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
