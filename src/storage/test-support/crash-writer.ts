import { openSqliteStore } from '../sqlite-store.js';

/**
 * The process a crash test kills: writes batches of events to a SQLite file
 * forever and prints `ack <batch>` after each write resolves. Every batch it
 * acknowledged must be there after `kill -9`.
 * Usage: crash-writer.ts <file> <batch size>
 */
const [path, size] = process.argv.slice(2);
if (path === undefined || size === undefined)
  throw new TypeError('usage: crash-writer.ts <file> <batch size>');
const batchSize = Number(size);
const store = await openSqliteStore({ path });
for (let batch = 0; ; batch++) {
  await store.upsertEvents(
    Array.from({ length: batchSize }, (_, index) => ({
      id: `b${batch}-e${index}`,
      userId: `u${index % 97}`,
      itemId: `v${(batch * batchSize + index) % 1009}`,
      time: 1_767_600_000_000 + batch * batchSize + index,
      signals: { click: index % 2, playTimeMs: index },
    })),
  );
  process.stdout.write(`ack ${batch}\n`);
}
