import type { LoadDatasetOptions } from './dataset.js';
import { type InteractionTable, InteractionTableBuilder } from './interaction-table.js';
import { createReadReport } from './read-report.js';
import type { Interaction, ReadOptions } from './types.js';

/** Reader options for one file of a dataset, its report added to `options.reports`. */
export function readOptionsFor(options: LoadDatasetOptions): ReadOptions {
  if (options.reports === undefined) return { skipBadRows: options.skipBadRows ?? false };
  const report = createReadReport();
  options.reports.push(report);
  return { skipBadRows: options.skipBadRows ?? false, report };
}

/**
 * Reads several interaction files into one table, in the given order; `part`
 * holds each row's file index (how shipped train/valid/test splits are kept).
 */
export async function readTable(
  files: readonly string[],
  read: (file: string) => AsyncIterable<Interaction>,
): Promise<{ interactions: InteractionTable; part: Uint8Array }> {
  const builder = new InteractionTableBuilder();
  const ends: number[] = [];
  for (const file of files) {
    for await (const interaction of read(file)) builder.push(interaction);
    ends.push(builder.length);
  }
  const part = new Uint8Array(builder.length);
  ends.reduce((start, end, index) => {
    part.fill(index, start, end);
    return end;
  }, 0);
  return { interactions: builder.build(), part };
}

/** Collects records by id; a later record for a known id is merged into the first. */
export async function collectById<T extends { id: string }>(
  into: Map<string, T>,
  records: AsyncIterable<T>,
  merge: (existing: T, next: T) => T = (_existing, next) => next,
): Promise<Map<string, T>> {
  for await (const record of records) {
    const existing = into.get(record.id);
    into.set(record.id, existing === undefined ? record : merge(existing, record));
  }
  return into;
}
