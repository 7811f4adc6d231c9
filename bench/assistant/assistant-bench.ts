/**
 * `npm run bench:assistant`: the creator assistant's figures, each beside its
 * baseline. Prints a table and writes bench/results/assistant.json.
 *
 *   node dist/bench-assistant/bench/assistant/assistant-bench.js [--data-root ../shared/data] [--quick]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { burstDefaults, type PostingTimeOptions, postingTimeDefaults } from '../../src/assistant/index.js';
import { kuaiRecTitleExamples } from './kuairec-titles.js';
import { movieLensBursts } from './movielens-trends.js';
import { movieLensBacktest } from './posting-time-movielens.js';
import { movieLensMovieBacktest } from './posting-time-movielens-movies.js';
import { simulatorBacktest } from './posting-time-simulator.js';
import { syntheticBurstBench } from './synthetic-bursts.js';
import { movieLensTitleBench } from './title-engagement.js';

const { values: flags } = parseArgs({
  options: {
    'data-root': { type: 'string', default: '../shared/data' },
    out: { type: 'string', default: 'bench/results/assistant.json' },
    quick: { type: 'boolean', default: false },
  },
});
const dataRoot = resolve(flags['data-root']!);
const quick = flags.quick!;
const seed = 42;
const windows: PostingTimeOptions = { ...postingTimeDefaults };
const lines: string[] = [];
const row = (...cells: Array<string | number>) =>
  lines.push(
    cells
      .map((cell, k) => (typeof cell === 'number' ? cell.toFixed(4) : cell).padEnd(k === 0 ? 44 : 14))
      .join(''),
  );
const seconds = (started: number) => Number(((performance.now() - started) / 1000).toFixed(1));
const has = (...parts: string[]) => existsSync(join(dataRoot, ...parts));

// Trends: burst detection on injected bursts.
let started = performance.now();
const synthetic = syntheticBurstBench(
  { topics: quick ? 20 : 60, weeks: 8, burstsPerTopic: 3, seed },
  {
    genfeed: { period: 168 },
    flatEwma: { period: 1 },
    dailySeasonOnly: { period: 24 },
  },
);
const trends: Record<string, unknown> = {
  syntheticBursts: {
    setup: `${quick ? 20 : 60} topics x 8 weeks hourly, base 0.3-30/h, evening peak, weekend lift, day-level noise sd 0.15; 3 bursts per topic of 2-8 h at x2-x5 + 4/h; scored after 2 warm-up weeks`,
    injected: synthetic.injected,
    detector: burstDefaults,
    ...synthetic.detectors,
  },
  seconds: seconds(started),
};
lines.push('trends: burst detection on injected bursts (binPrecision, recall, false alarms per topic-week)');
for (const [name, score] of Object.entries(synthetic.detectors))
  row(`  ${name}`, score.binPrecision, score.recall, score.falseAlarmsPerTopicWeek);

if (has('movielens-latest-small', 'ratings.csv')) {
  started = performance.now();
  const real = await movieLensBursts(join(dataRoot, 'movielens-latest-small'), 8);
  trends.movielensBursts = { ...real, seconds: seconds(started) };
  lines.push(
    `trends: MovieLens daily genre/tag series (${real.topics} topics, ${real.days} days): ${real.bursts} bursts; strongest:`,
  );
  for (const burst of real.top.slice(0, 5))
    lines.push(
      `  ${burst.topic} ${burst.from}..${burst.to}: ${burst.count} vs ${burst.expected} expected, z ${burst.peakZ}, ${burst.users} users`,
    );
}

// Titles.
const titles: Record<string, unknown> = {};
if (has('movielens-latest-small', 'movies.csv')) {
  started = performance.now();
  const bench = await movieLensTitleBench(join(dataRoot, 'movielens-latest-small'), seed, quick ? 4 : 12);
  titles.movielens = { ...bench, seconds: seconds(started) };
  titles.engagementAuc = bench.engagementAuc;
  lines.push(
    `titles: engagement AUC on held-out MovieLens titles (${bench.split.test} movies; high = > ${bench.highThreshold} ratings)`,
  );
  for (const [name, value] of Object.entries(bench.engagementAuc)) row(`  ${name}`, value);
}
if (has('kuairec', 'kuairec_caption_category.csv')) {
  started = performance.now();
  const examples = await kuaiRecTitleExamples(join(dataRoot, 'kuairec', 'kuairec_caption_category.csv'));
  titles.kuairecMining = { ...examples, seconds: seconds(started) };
  for (const example of examples.examples)
    lines.push(
      `titles: KuaiRec "${example.draft}" -> ${example.titles.map((title) => title.title).join(' | ')}`,
    );
}

// Posting time.
const postingTime: Record<string, unknown> = { windows };
started = performance.now();
const simulated = await simulatorBacktest({
  users: quick ? 3000 : 10_000,
  items: 5000,
  fitDays: 14,
  testDays: 7,
  minFans: 3,
  seed,
  summaryPath: resolve('src/simulate/playground-summary.json'),
  windows,
});
postingTime.simulator = { ...simulated, seconds: seconds(started) };
lines.push(
  `posting time: simulator (${simulated.creators} creators with >= 3 fans, ${simulated.impressions} impressions), share of fans' next-week activity in 3 x 2 h windows`,
);
for (const [name, score] of Object.entries(simulated.scores))
  row(`  ${name}`, score.shareInWindows, `±${score.ci95.toFixed(4)}`);
if (has('movielens-latest-small', 'ratings.csv')) {
  started = performance.now();
  const movielens = await movieLensBacktest({
    ratingsPath: join(dataRoot, 'movielens-latest-small', 'ratings.csv'),
    minHistory: 20,
    minNextWeek: 5,
    windows,
  });
  postingTime.movielens = {
    framing: 'per user: their own ratings before a Monday cut -> their ratings of the next week',
    ...movielens,
    seconds: seconds(started),
  };
  lines.push(
    `posting time: MovieLens (${movielens.userWeeks} user-weeks, ${movielens.users} users), share of next-week ratings in the windows`,
  );
  for (const [name, score] of Object.entries(movielens.scores))
    row(`  ${name}`, score.shareInWindows, `±${score.ci95.toFixed(4)}`);
}

if (has('movielens-latest-small', 'ratings.csv')) {
  started = performance.now();
  const movies = await movieLensMovieBacktest({
    ratingsPath: join(dataRoot, 'movielens-latest-small', 'ratings.csv'),
    minActiveFans: 3,
    minNextWeek: 5,
    maxPerCut: 20,
    seed,
    windows,
  });
  postingTime.movielensMovies = {
    framing:
      "per movie: its raters before a Monday cut are its fans -> the fans' ratings of the next week (<= 20 movies per cut)",
    ...movies,
    seconds: seconds(started),
  };
  lines.push(
    `posting time: MovieLens movies as creators (${movies.movieWeeks} movie-weeks, ${movies.movies} movies), share of the fans' next-week ratings in the windows`,
  );
  for (const [name, score] of Object.entries(movies.scores))
    row(`  ${name}`, score.shareInWindows, `±${score.ci95.toFixed(4)}`);
}

const result = { seed, quick, dataRoot, node: process.version, trends, titles, postingTime };
mkdirSync(dirname(resolve(flags.out!)), { recursive: true });
writeFileSync(resolve(flags.out!), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${lines.join('\n')}\nwrote ${flags.out}\n`);
