import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { InvalidInputError, type Progress, silentProgress } from '../../core/index.js';
import {
  createReadReport,
  DataRowError,
  DataSource,
  dataFormats,
  type ReadReport,
} from '../../data/index.js';
import { importTimeWindow, type TimeWindow } from '../bounds.js';
import type { EventInput, ItemInput, UserInput } from '../records.js';
import type { Store } from '../store.js';
import { checkRecord } from './check-record.js';
import { type ImportFormat, importParts } from './import-sources.js';
import { jsonlSchemas } from './jsonl-format.js';

export const importFormats: readonly ImportFormat[] = [
  'jsonl',
  'sequences',
  'kuairec',
  'kuairand',
  'movielens',
];

/** Errors kept in a file's report, as the readers keep them. */
const MAX_REPORTED_ERRORS = 20;

export interface ImportOptions {
  /** Detected from the file names when left out (`.jsonl` / `.ndjson` is JSONL). */
  format?: ImportFormat;
  /** Count and skip malformed rows instead of stopping at the first. */
  skipBadRows?: boolean;
  /** Records per write (one transaction each; default 5000). */
  batchSize?: number;
  /** Accepted times around now (every other field has a fixed bound, `bounds.ts`); default `importTimeWindow`: 1970 to a day ahead. */
  timeWindow?: TimeWindow;
  progress?: Progress;
}

export interface ImportSummary {
  format: ImportFormat;
  /** Records written (a record written twice, e.g. by a re-run, counts each time). */
  items: number;
  users: number;
  events: number;
  /** One per file read: rows, skipped rows and the first errors. */
  reports: ReadReport[];
}

/**
 * Imports a data file or folder into a store: items, users and events,
 * written in batches of one transaction each. Every write is an upsert by id
 * (events get ids from user, item and time when the source has none), so a
 * second run over the same data leaves the same rows. Events bring bare users
 * and items into being when the source does not describe them. Every record,
 * whatever its format, is held to the bounds of the HTTP API (`bounds.ts`).
 */
export async function importData(
  store: Store,
  path: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const source = await DataSource.open(path);
  const format = options.format ?? (await detectImportFormat(source));
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const progress = options.progress ?? silentProgress;
  const timeWindow = options.timeWindow ?? importTimeWindow;
  const schemas = jsonlSchemas(timeWindow);
  const skipBadRows = options.skipBadRows ?? false;
  const summary: ImportSummary = { format, items: 0, users: 0, events: 0, reports: [] };
  const items: ItemInput[] = [];
  const users: UserInput[] = [];
  const events: EventInput[] = [];
  const flush = async () => {
    if (items.length > 0) await store.upsertItems(items.splice(0));
    if (users.length > 0) await store.upsertUsers(users.splice(0));
    if (events.length > 0) await store.upsertEvents(events.splice(0), { createMissing: true });
  };

  for (const part of importParts[format](source)) {
    const lines = await countLines(part.files);
    const reports: ReadReport[] = [];
    const optionsFor = (file: string) => {
      const report = createReadReport(file);
      reports.push(report);
      summary.reports.push(report);
      // An imported row stays in the store: a row that looks cut short is refused, not kept.
      return { skipBadRows, refuseCutRows: true, report, timeWindow };
    };
    const done = () => reports.reduce((sum, report) => sum + report.rows + report.skipped, 0);
    progress.start(`${part.label} ${part.files.map((file) => basename(file)).join(', ')}`, lines);
    try {
      for await (const record of part.read(optionsFor)) {
        const problem = part.checked ? undefined : checkRecord(schemas, record);
        if (problem !== undefined) {
          const report = reports.at(-1)!;
          const error = new DataRowError({
            file: report.file,
            problem: `${problem.problem} (row ${report.rows})`,
            ...(problem.field === '' ? {} : { field: problem.field }),
            ...(problem.value === undefined ? {} : { value: problem.value }),
          });
          if (!skipBadRows) throw error;
          report.rows--;
          report.skipped++;
          if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error.message);
          continue;
        }
        if (record.type === 'item') {
          items.push(record.item);
          summary.items++;
        } else if (record.type === 'user') {
          users.push(record.user);
          summary.users++;
        } else {
          events.push(record.event);
          summary.events++;
        }
        if (items.length + users.length + events.length >= batchSize) {
          await flush();
          progress.update(done(), { items: summary.items, users: summary.users, events: summary.events });
        }
      }
      await flush();
      progress.update(done(), { items: summary.items, users: summary.users, events: summary.events });
    } finally {
      progress.stop();
    }
  }
  return summary;
}

async function detectImportFormat(source: DataSource): Promise<ImportFormat> {
  const names = source.file === undefined ? source.files : [source.file];
  if (names.some((name) => /\.(jsonl|ndjson)$/.test(name))) return 'jsonl';
  for (const loader of dataFormats) {
    if (await loader.detect(source)) return loader.format;
  }
  throw new InvalidInputError(
    `Cannot detect the data format of ${source.path}: looked for .jsonl files and ${dataFormats
      .map((loader) => `${loader.format}: ${loader.lookingFor}`)
      .join('; ')}`,
  );
}

/** Lines of the files (a quick pass over the bytes): the progress bar's total. */
async function countLines(files: readonly string[]): Promise<number> {
  let lines = 0;
  for (const file of files) {
    let last = 0x0a;
    for await (const chunk of createReadStream(file)) {
      const bytes = chunk as Buffer;
      for (let index = bytes.indexOf(0x0a); index !== -1; index = bytes.indexOf(0x0a, index + 1)) lines++;
      if (bytes.length > 0) last = bytes[bytes.length - 1]!;
    }
    if (last !== 0x0a) lines++;
  }
  return lines;
}
