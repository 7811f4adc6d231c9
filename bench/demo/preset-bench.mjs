// `npm run bench:demo-preset`: which ID model the demo's generative preset
// carries beside its decoder (docs/demo.md, "The demo's ID model"). On the
// demo's own data (the playground world, its 2 logged days, seed 42; nothing
// downloaded) each variant of config/generative-demo.json is fit the way
// `genfeed demo` fits it: on the log without each user's last play, for the
// preset's epochs, then choosing its head weight on the held-out plays of the
// users outside the reported 500. It reports, per variant: the validation figures the choice reads,
// Recall@10 / NDCG@10 on the reported 500 users' last plays, the simulator's
// hidden satisfaction of each user's top 10 (the ground truth no model sees),
// the fit time and the generation time per request. Writes
// bench/results/demo-preset.json.
//
//   node bench/demo/preset-bench.mjs [--variants none,markov,pop,sasrec,pop+idCandidates=10] [--seed 42] [--out file.json]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { evaluatePhase } from '../../dist/eval/index.js';
import {
  demoGenerativeParams,
  fitGenerative,
  holdOutTail,
  importPlaygroundData,
  readTrainingLog,
  simulatePlaygroundData,
} from '../../dist/platform/index.js';
import { expectedSatisfaction } from '../../dist/simulate/index.js';
import { openSqliteStore } from '../../dist/storage/index.js';
import { flag } from '../lib/server-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
};
const seed = flag('seed', 42);
const variants = option('variants', 'none,markov,pop,sasrec').split(',');
const out = option('out', join(here, '..', 'results', 'demo-preset.json'));
const say = (line) => console.error(`  ${line}`);
const logger = { info: say, warn: say, debug: say, error: say };

console.error(`simulating the demo's playground (seed ${seed}) ...`);
const data = await simulatePlaygroundData({ users: 1000, items: 2000, days: 2, seed });
const dir = mkdtempSync(join(tmpdir(), 'genfeed-demo-preset-'));
const store = await openSqliteStore({ path: join(dir, 'demo.sqlite'), synchronous: 'off' });
let log;
try {
  await importPlaygroundData(store, data);
  log = await readTrainingLog(store);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
const heldOut = holdOutTail(log, { seed });
const validationUsers = heldOut.validation.targets.filter((targets) => targets.length > 0).length;
console.error(
  `${log.events.length} events, ${log.userIds.length} users, ${log.items.length} items; ` +
    `${heldOut.users.length} reported users, ${validationUsers} validation users`,
);

// The world's indices of the log's users and items (the store's ids are the world's).
const worldUser = new Map(data.users.map((user, index) => [user.id, index]));
const worldItem = new Map(data.items.map((item, index) => [item.id, index]));
const world = data.environment.world;

// The reported users as a phase: history and exclusions their fit, target their last play.
const none = new Int32Array(0);
const reported = new Map(heldOut.users.map((user, i) => [user, heldOut.targets[i]]));
const testPhase = {
  name: 'test',
  fit: heldOut.fit,
  history: heldOut.fit,
  exclude: heldOut.fit,
  targets: heldOut.fit.map((_, user) => (reported.has(user) ? Int32Array.of(reported.get(user)) : none)),
};

const rows = [];
for (const idModel of variants) {
  console.error(`\n== idModel ${idModel}`);
  const lines = [];
  const capture = {
    info: (line) => {
      lines.push(line);
      logger.info(line);
    },
    warn: logger.warn,
    debug: logger.debug,
    error: logger.error,
  };
  // A variant is an ID model, optionally with params: `pop+idCandidates=10`.
  const [name, ...overrides] = idModel.split('+');
  const params = {
    ...demoGenerativeParams,
    idModel: name,
    ...Object.fromEntries(
      overrides.map((entry) => entry.split('=')).map(([key, value]) => [key, Number(value)]),
    ),
  };
  const trained = await fitGenerative(heldOut.fit, log.items.length, params, {
    seed,
    logger: capture,
    validation: heldOut.validation,
  });
  const model = trained.model;
  const { metrics } = evaluatePhase(model, testPhase, log.items.length, { ks: [10] });
  let satisfaction = 0;
  let generateMs = 0;
  for (const user of heldOut.users) {
    const history = heldOut.fit[user];
    const started = performance.now();
    const { items } = model.generate(history, { k: 10, exclude: history });
    generateMs += performance.now() - started;
    const u = worldUser.get(log.userIds[user]);
    let sum = 0;
    for (const item of items) sum += expectedSatisfaction(world, u, worldItem.get(log.items[item].id));
    satisfaction += sum / items.length;
  }
  const headLine = lines.find((line) => line.includes('head mix'));
  const row = {
    idModel,
    headMix: model.headMix,
    epochs: model.training?.epochs,
    // The validation figures behind the head weight: R@10 / N@10 per weight tried.
    headMixSweep: headLine,
    recallAt10: metrics['recall@10'],
    ndcgAt10: metrics['ndcg@10'],
    satisfactionAt10: satisfaction / heldOut.users.length,
    fitSeconds: trained.seconds,
    generateMsPerRequest: generateMs / heldOut.users.length,
  };
  rows.push(row);
  console.error(
    `  -> R@10 ${row.recallAt10.toFixed(4)} N@10 ${row.ndcgAt10.toFixed(4)} satisfaction ${row.satisfactionAt10.toFixed(3)}, fit ${row.fitSeconds.toFixed(0)} s, ${row.generateMsPerRequest.toFixed(1)} ms/request`,
  );
}

console.log(
  '\n| idModel | head mix (validation) | epochs | R@10 | N@10 | satisfaction@10 | fit s | ms/request |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows)
  console.log(
    `| ${row.idModel} | ${row.headMix.toFixed(2)} | ${row.epochs} | ${row.recallAt10.toFixed(4)} | ${row.ndcgAt10.toFixed(4)} | ${row.satisfactionAt10.toFixed(3)} | ${row.fitSeconds.toFixed(0)} | ${row.generateMsPerRequest.toFixed(1)} |`,
  );
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      seed,
      events: log.events.length,
      reportedUsers: heldOut.users.length,
      validationUsers,
      preset: demoGenerativeParams,
      variants: rows,
      date: new Date().toISOString(),
    },
    null,
    2,
  )}\n`,
);
console.error(`wrote ${out}`);
