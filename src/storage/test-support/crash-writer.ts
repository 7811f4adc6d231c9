import { openSqliteStore } from '../sqlite-store.js';

/**
 * The process a crash test kills: writes batches of events to a SQLite file
 * forever and prints `ack <batch>` after each write resolves. Every batch it
 * acknowledged must be there after `kill -9`.
 * With `feeds`, it also logs served feeds from four concurrent loops (group
 * commits on the feed-log worker) and prints `feed <request id>` after each
 * resolves: every one printed must be there too.
 * Usage: crash-writer.ts <file> <batch size> [feeds]
 */
const [path, size, mode] = process.argv.slice(2);
if (path === undefined || size === undefined)
  throw new TypeError('usage: crash-writer.ts <file> <batch size>');
const batchSize = Number(size);
const store = await openSqliteStore({ path });
if (mode === 'feeds') {
  for (let loop = 0; loop < 4; loop++) {
    void (async () => {
      for (let index = 0; ; index++) {
        const requestId = `f${loop}-${index}`;
        await store.insertFeeds([
          {
            requestId,
            userId: `u${index % 97}`,
            pipeline: 'generative',
            time: 1_767_600_000_000 + index,
            items: [{ itemId: `v${index % 1009}`, score: 1 }, { itemId: `v${(index + 1) % 1009}` }],
          },
        ]);
        process.stdout.write(`feed ${requestId}\n`);
      }
    })();
  }
}
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
