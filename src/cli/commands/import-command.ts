import { Command, Option } from 'commander';
import {
  DEFAULT_SQLITE_PATH,
  type ImportFormat,
  importData,
  importFormats,
  importTimeWindow,
  openStore,
  type StoreLocation,
} from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { reportSkipped } from '../evaluate.js';
import { parseInteger } from '../parse-flags.js';
import { terminalProgress } from '../terminal-progress.js';
import { timeWindowOf, timeWindowOptions } from '../time-window-flags.js';

export function importCommand(io: CliIo): Command {
  const [pastDays, futureDays] = timeWindowOptions(importTimeWindow, 'a bad row beyond');
  return new Command('import')
    .description(
      'Import items, users and events into the store (idempotent: re-running leaves the same rows)',
    )
    .argument(
      '<path>',
      'data file or folder (JSONL, or a KuaiRand / KuaiRec / MovieLens / sequences data set)',
    )
    .addOption(new Option('--format <format>', 'data format (detected when left out)').choices(importFormats))
    .addOption(
      new Option('--db <file>', `SQLite database file (default ${DEFAULT_SQLITE_PATH})`).conflicts(
        'postgres',
      ),
    )
    .addOption(
      new Option('--postgres <url>', 'PostgreSQL connection string instead of SQLite').env(
        'GENFEED_POSTGRES_URL',
      ),
    )
    .option('--skip-bad-rows', 'count and skip malformed rows instead of stopping at the first')
    .option('--batch-size <n>', 'records per transaction', parseInteger, 5000)
    .addOption(pastDays)
    .addOption(futureDays)
    .action(async (path: string, flags) => {
      const location: StoreLocation = flags.postgres
        ? { postgres: flags.postgres }
        : { sqlite: flags.db ?? DEFAULT_SQLITE_PATH };
      const store = await openStore(location, { logger: io.logger });
      try {
        const started = performance.now();
        const summary = await importData(store, path, {
          ...(flags.format && { format: flags.format as ImportFormat }),
          skipBadRows: Boolean(flags.skipBadRows),
          batchSize: flags.batchSize,
          timeWindow: timeWindowOf(flags, importTimeWindow),
          progress: terminalProgress(io.interactive),
        });
        const seconds = (performance.now() - started) / 1000;
        reportSkipped(summary.reports, io);
        const counts = await store.counts();
        const skipped = summary.reports.reduce((sum, report) => sum + report.skipped, 0);
        const lines: Array<[string, string]> = [
          ['format', summary.format],
          ['written', `${summary.items} items, ${summary.users} users, ${summary.events} events`],
          ['skipped rows', String(skipped)],
          ['seconds', seconds.toFixed(2)],
          ['store', `${store.backend} ${store.location}`],
          ['store holds', `${counts.items} items, ${counts.users} users, ${counts.events} events`],
        ];
        const width = Math.max(...lines.map(([key]) => key.length));
        io.out(lines.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n'));
      } finally {
        await store.close();
      }
    });
}
