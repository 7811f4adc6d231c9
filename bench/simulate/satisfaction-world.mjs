// Issue 19's table and plot from the A/B runs of `genfeed simulate --json`, one per
// strength and comparison (docs/reward.md, "The satisfaction world: results"):
//
//   node bench/simulate/satisfaction-world.mjs \
//     --learned 1=ab-learned-1.json --aligned 1=ab-aligned-1.json ... [--tuned 1=tune-1.json ...]
//
// Each --learned run is `--policy tuned-formula --policy learned-reward` (2,000 users, 8 seeds),
// each --aligned run `--policy generative --policy generative-aligned` (1,000 users, >= 6 seeds),
// both at `--world-strength <s>`. Merges them into bench/results/satisfaction-world.json
// (keeping its calibration figures), writes docs/reward-strength.svg and prints the table.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const root = new URL('../../', import.meta.url);
const resultsFile = new URL('bench/results/satisfaction-world.json', root);
const plotFile = new URL('docs/reward-strength.svg', root);

const { values } = parseArgs({
  options: {
    learned: { type: 'string', multiple: true, default: [] },
    aligned: { type: 'string', multiple: true, default: [] },
    tuned: { type: 'string', multiple: true, default: [] },
  },
});

/** `s=path` pairs of a flag as a map from strength to parsed JSON. */
function runsOf(pairs, flag) {
  const runs = new Map();
  for (const pair of pairs) {
    const [strength, path] = pair.split('=');
    if (!path || !Number.isFinite(Number(strength)))
      throw new Error(`--${flag} expects <strength>=<file.json>, got "${pair}"`);
    try {
      runs.set(Number(strength), JSON.parse(readFileSync(path, 'utf8')));
    } catch (error) {
      throw new Error(`--${flag} ${pair}: cannot read ${path}: ${error.message}`);
    }
  }
  return runs;
}

const outcomes = {
  stayTimeLiftPct: 'stayTimePerUserDay',
  retentionLiftPct: 'retention',
  dauLiftPct: 'dau',
  satisfactionLiftPct: 'satisfactionPerUserDay',
};

/** One comparison row from a simulate report: the lifts of `treatment` over `control` (its first policy), and both policies' figures. */
function comparisonOf(report, strength, [control, treatment]) {
  if (report.world?.strength !== strength)
    throw new Error(`a run for strength ${strength} was made at world strength ${report.world?.strength}`);
  const comparison = report.comparisons.find((row) => row.a === treatment && row.b === control);
  if (!comparison)
    throw new Error(`no "${treatment} vs ${control}" comparison in the run for strength ${strength}`);
  const policies = {};
  for (const policy of report.policies) {
    policies[policy.name] = Object.fromEntries(
      [...Object.values(outcomes), 'satisfactionPerImpression', 'satisfactionStock', 'churned'].map((key) => [
        key,
        policy[key],
      ]),
    );
  }
  const lifts = Object.fromEntries(Object.keys(outcomes).map((key) => [key, comparison[key]]));
  const { seeds, users, days } = report.run;
  return { treatment, control, ...lifts, policies, seeds, users, days };
}

const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
const learned = runsOf(values.learned, 'learned');
const aligned = runsOf(values.aligned, 'aligned');
const tuned = runsOf(values.tuned, 'tuned');
for (const row of results.strengths) {
  const { strength } = row;
  if (learned.has(strength))
    row.learnedVsFormula = comparisonOf(learned.get(strength), strength, ['tuned-formula', 'learned-reward']);
  if (aligned.has(strength))
    row.alignedVsUnaligned = comparisonOf(aligned.get(strength), strength, [
      'generative',
      'generative-aligned',
    ]);
  if (tuned.has(strength)) {
    const { best, candidates, command } = tuned.get(strength);
    row.tunedFormula = {
      command,
      weights: best.weights,
      meanStayTime: best.meanStayTime,
      handSetStayTime: candidates[0].stayTime.slice(0, 2),
    };
  }
}
const missing = results.strengths.filter((row) => !row.learnedVsFormula || !row.alignedVsUnaligned);
if (missing.length === 0) delete results.pending;
else
  results.pending = `not yet run: ${missing
    .map(
      (row) =>
        `${row.strength} (${[!row.learnedVsFormula && 'learned vs formula', !row.alignedVsUnaligned && 'aligned vs unaligned'].filter(Boolean).join(', ')})`,
    )
    .join('; ')}`;
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

const interval = (estimate) =>
  estimate
    ? `${signed(estimate.mean)} [${signed(estimate.ci95[0])}, ${signed(estimate.ci95[1])}]`
    : 'not run';
const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
console.log(
  '| strength | calibration max rel. error | comparison | stay time lift % | retention lift % | DAU lift % | satisfaction lift % |',
);
console.log('| ---: | ---: | --- | --- | --- | --- | --- |');
for (const row of results.strengths) {
  for (const [label, comparison] of [
    ['learned reward vs tuned formula', row.learnedVsFormula],
    ['aligned vs unaligned generator', row.alignedVsUnaligned],
  ]) {
    const cells = Object.keys(outcomes).map((key) => interval(comparison?.[key]));
    console.log(
      `| ${row.strength} | ${row.calibrationMaxRelError.toFixed(3)} | ${label}${comparison ? ` (${comparison.seeds} seeds)` : ''} | ${cells.join(' | ')} |`,
    );
  }
}

writeFileSync(plotFile, liftPlot(results.strengths));
console.error(`wrote ${resultsFile.pathname} and ${plotFile.pathname}`);

/** Stay-time lift against strength, with 95% intervals, one series per comparison. */
function liftPlot(rows) {
  const series = [
    { key: 'learnedVsFormula', label: 'learned reward vs tuned formula', colour: '#1f6feb', shift: -0.03 },
    { key: 'alignedVsUnaligned', label: 'aligned vs unaligned generator', colour: '#d1242f', shift: 0.03 },
  ];
  const points = series.flatMap((line) =>
    rows
      .filter((row) => row[line.key])
      .map((row) => ({ line, x: row.strength + line.shift, ...row[line.key].stayTimeLiftPct })),
  );
  const ys = points.flatMap((point) => point.ci95).concat([0, 1.39]);
  const [low, high] = [Math.min(...ys) - 1, Math.max(...ys) + 1];
  const width = 640;
  const height = 360;
  const margin = { left: 56, right: 16, top: 28, bottom: 44 };
  const x = (strength) => margin.left + ((strength + 0.1) / 2.2) * (width - margin.left - margin.right);
  const y = (lift) => margin.top + ((high - lift) / (high - low)) * (height - margin.top - margin.bottom);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    '<title>Stay-time lift with 95% intervals against world strength: learned reward vs tuned formula, aligned vs unaligned generator</title>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle">Stay-time lift % (95% interval) against world strength</text>`,
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(0)}" y2="${y(0)}" stroke="#888"/>`,
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(1.39)}" y2="${y(1.39)}" stroke="#888" stroke-dasharray="4 4"/>`,
    `<text x="${width - margin.right - 4}" y="${y(1.39) - 4}" text-anchor="end" fill="#555">EMER online +1.39%</text>`,
  ];
  for (const strength of rows.map((row) => row.strength)) {
    parts.push(
      `<text x="${x(strength)}" y="${height - margin.bottom + 18}" text-anchor="middle">${strength}</text>`,
    );
  }
  parts.push(
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle">world strength (0: today's world)</text>`,
  );
  const step = niceStep(high - low);
  for (let tick = Math.ceil(low / step) * step; tick <= high; tick += step) {
    parts.push(
      `<text x="${margin.left - 6}" y="${y(tick) + 4}" text-anchor="end">${Number(tick.toFixed(1))}</text>`,
    );
  }
  for (const { line, x: strength, mean, ci95 } of points) {
    parts.push(
      `<line x1="${x(strength)}" x2="${x(strength)}" y1="${y(ci95[0])}" y2="${y(ci95[1])}" stroke="${line.colour}" stroke-width="2"/>`,
      `<circle cx="${x(strength)}" cy="${y(mean)}" r="4" fill="${line.colour}"/>`,
    );
  }
  series.forEach((line, k) => {
    parts.push(
      `<circle cx="${margin.left + 12}" cy="${margin.top + 8 + 16 * k}" r="4" fill="${line.colour}"/>`,
      `<text x="${margin.left + 22}" y="${margin.top + 12 + 16 * k}">${line.label}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function niceStep(range) {
  const raw = range / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw);
}
