// Where a feed request's CPU goes, without HTTP: opens the store and the
// models `npm run bench:serve` left in .genfeed/bench-serve (run it once
// first), then for each pipeline times the parts of FeedService.feed one
// by one (the store reads, the pipeline, the log write) and
// the whole call, over the same warm users.
//   node bench/serve/feed-profile.mjs [--requests 300] [--cpu-prof]
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultLoaders, FeedService, ModelRegistry } from '../../dist/serve/index.js';
import { openSqliteStore } from '../../dist/storage/index.js';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const dir = join(root, '.genfeed', 'bench-serve');
const index = process.argv.indexOf('--requests');
const requests = index >= 0 ? Number(process.argv[index + 1]) : 300;
const store = await openSqliteStore({ path: join(dir, 'demo.sqlite') });
const catalogue = async () => (await store.listItems({ limit: 10_000 })).records;
const registry = new ModelRegistry({
  store,
  root: join(dir, 'registry'),
  loaders: defaultLoaders,
  catalogue,
});
await registry.sync();
const users = [
  ...new Set((await store.exportEvents({ limit: 20_000 })).records.map((event) => event.userId)),
].slice(0, requests);

const cpu = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const time = async (fn) => {
  const [c, w] = [cpu(), performance.now()];
  const result = await fn();
  return { result, cpuMs: cpu() - c, wallMs: performance.now() - w };
};

for (const name of ['generative', 'cascade']) {
  const feeds = new FeedService({ store, pipelines: registry, defaultPipeline: name });
  await feeds.refresh();
  const pipeline = registry.current(name);
  if (pipeline === undefined) {
    console.log(name, 'not loaded:', JSON.stringify(registry.statuses().find((s) => s.name === name)));
    continue;
  }
  const sums = { storeReads: 0, recommend: 0, log: 0, whole: 0, wholeWall: 0 };
  for (let round = 0; round < 2; round++) {
    // round 0 warms the JIT; round 1 is measured
    for (const userId of users) {
      const now = Date.now();
      const context = await time(() =>
        store.feedContext(userId, { historyLength: 50, since: now - 7 * 86_400_000 }),
      );
      const recommend = await time(() =>
        pipeline.recommend({
          userId,
          n: 10,
          history: context.result.history.reverse(),
          exclude: new Set(context.result.shown),
          now,
        }),
      );
      const whole = await time(() => feeds.feed(userId, 10));
      if (round === 0) continue;
      sums.storeReads += context.cpuMs;
      sums.recommend += recommend.cpuMs;
      for (const [stage, cost] of Object.entries(recommend.result.stages ?? {})) {
        sums[`stage.${stage}`] = (sums[`stage.${stage}`] ?? 0) + cost.cpuMs;
        sums[`wall.${stage}`] = (sums[`wall.${stage}`] ?? 0) + cost.latencyMs;
      }
      sums.whole += whole.cpuMs;
      sums.wholeWall += whole.wallMs;
    }
  }
  const log = await time(async () => {
    for (let i = 0; i < users.length; i++)
      await store.insertFeeds([
        {
          requestId: `profile-${name}-${Date.now()}-${i}`,
          userId: users[i],
          pipeline: name,
          time: Date.now(),
          items: [],
        },
      ]);
  });
  sums.log = log.cpuMs;
  const per = Object.fromEntries(
    Object.entries(sums).map(([key, value]) => [key, +(value / users.length).toFixed(3)]),
  );
  console.log(name, JSON.stringify(per));
  feeds.close();
}
registry.close();
await store.close();
