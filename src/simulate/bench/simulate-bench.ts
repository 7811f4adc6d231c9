/**
 * `npm run bench:simulate`: simulated impressions per second on one core, for
 * the response model alone and for whole days of users under each policy.
 * Prints a table and writes bench/results/simulate.json; with
 * `-- --world-strength <s>` the same in the satisfaction world at strength s,
 * written to bench/results/simulate-world-strength-<s>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random, silentLogger, silentProgress } from '../../core/index.js';
import { calibratedEnvironment } from '../environment.js';
import { playgroundWorld } from '../playground-world.js';
import { findPolicy } from '../policies.js';
import { emptyOutcome, respond } from '../response-model.js';
import { emptyShape, fillShape, withSatisfactionWorld } from '../satisfaction-world.js';
import { SimulationState } from '../simulation-state.js';
import { simulateDays } from '../simulator.js';
import { shippedSummary } from '../summary.js';

const USERS = 2000;
const ITEMS = 5000;
const DAYS = 3;
const flag = process.argv.indexOf('--world-strength');
const worldStrength = flag >= 0 ? Number(process.argv[flag + 1]) : undefined;
const resultName =
  worldStrength === undefined ? 'simulate.json' : `simulate-world-strength-${worldStrength}.json`;
const out = fileURLToPath(new URL(`../../../bench/results/${resultName}`, import.meta.url));

const today = playgroundWorld(shippedSummary(), { users: USERS, items: ITEMS, seed: 42 });
const world =
  worldStrength === undefined ? today : withSatisfactionWorld(today, { strength: worldStrength, seed: 42 });
let started = performance.now();
const environment = await calibratedEnvironment(world, { seed: 42 });
const calibrationSeconds = (performance.now() - started) / 1000;
const { params, reference } = environment;

// The response model alone: one impression = taste noise, watch time, every signal.
const random = new Random(1);
const outcome = emptyOutcome();
const responses = 2_000_000;
started = performance.now();
const shape = world.departures ? emptyShape() : undefined;
for (let k = 0; k < responses; k++) {
  const item = k % ITEMS;
  respond(
    params,
    random.normal(),
    0,
    world.catalogue.durationMs[item]!,
    true,
    random,
    outcome,
    shape && fillShape(world.departures!, k % USERS, item, shape),
  );
}
const rows: Array<{ stage: string; impressions: number; seconds: number; perSecond: number }> = [];
const record = (stage: string, impressions: number, seconds: number) =>
  rows.push({ stage, impressions, seconds, perSecond: impressions / seconds });
record('response model only', responses, (performance.now() - started) / 1000);

const training = {
  numUsers: USERS,
  numItems: ITEMS,
  // A modest training log so the neighbourhood models have neighbours.
  sequences: Array.from({ length: USERS }, (_, user) =>
    Int32Array.from({ length: 20 }, (_, k) => (user * 7 + k * 13) % ITEMS),
  ),
};
for (const name of ['random', 'pop', 'itemknn', 'logging']) {
  const policy = await findPolicy(name).create({
    world,
    training,
    random: new Random(2),
    logger: silentLogger,
    progress: silentProgress,
  });
  const state = new SimulationState(world, reference);
  started = performance.now();
  const impressions = simulateDays(world, params, reference, state, {
    days: DAYS,
    assignment: new Int32Array(USERS),
    policies: [policy],
    sink: { impression() {} },
    seed: 3,
  });
  record(`${DAYS} days, ${USERS} users, policy ${name}`, impressions, (performance.now() - started) / 1000);
}

const lines = [
  `simulator throughput on one core (${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}); catalogue ${ITEMS} videos${worldStrength === undefined ? '' : `; satisfaction world at strength ${worldStrength}`}`,
  '',
  '| stage | impressions | seconds | impressions / s |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.stage} | ${row.impressions} | ${row.seconds.toFixed(2)} | ${Math.round(row.perSecond).toLocaleString('en-US')} |`,
  ),
  '',
  `calibration (7-day logging-policy run of ${Math.min(USERS, 1500)} users + fit): ${calibrationSeconds.toFixed(1)} s`,
];
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ users: USERS, items: ITEMS, days: DAYS, worldStrength, node: process.version, cpu: cpus()[0]?.model, calibrationSeconds, rows }, null, 2)}\n`,
);
process.stdout.write(`wrote ${out}\n`);
