// Freezes the formula weights found by `genfeed reward tune-formula --json` into
// src/simulate/tuned-formula-weights.ts, which the `tuned-formula` policy serves
// (pre-registration, docs/simulate.md: the winner is frozen per strength before the
// evaluation A/B). Strengths already frozen and not given here are kept.
//
//   node bench/simulate/freeze-tuned-formula.mjs tune-0.json tune-1.json ...
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = new URL('../../src/simulate/tuned-formula-weights.ts', import.meta.url);
const biome = new URL('../../node_modules/@biomejs/biome/bin/biome', import.meta.url);
const source = readFileSync(file, 'utf8');
const marker = 'export const tunedFormulaWeights: Readonly<Record<string, TunedWeights>> = ';
const at = source.indexOf(marker);
if (at < 0) throw new Error(`${file.pathname}: cannot find the tunedFormulaWeights table`);
// The table is a plain object literal (data only), so it evaluates as JavaScript.
const frozen = new Function(`return ${source.slice(at + marker.length).replace(/;\s*$/, '')}`)();

for (const path of process.argv.slice(2)) {
  const tuned = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof tuned.strength !== 'number' || !tuned.best?.weights)
    throw new Error(`${path}: not the JSON of genfeed reward tune-formula (no strength or best.weights)`);
  frozen[String(tuned.strength)] = {
    weights: tuned.best.weights,
    meanStayTime: Number(tuned.best.meanStayTime.toFixed(1)),
    command: tuned.command,
  };
  console.error(`strength ${tuned.strength}: ${tuned.best.meanStayTime.toFixed(1)} s / user-day`);
}
// Written entry by entry: an object would put the integer-like strengths ('0', '1')
// before '0.5' whatever order it was built in.
const table = Object.entries(frozen)
  .sort(([a], [b]) => Number(a) - Number(b))
  .map(([strength, entry]) => `${JSON.stringify(strength)}: ${JSON.stringify(entry)},`)
  .join('\n');
writeFileSync(file, `${source.slice(0, at + marker.length)}{\n${table}\n};\n`);
// In the repository's style, as if written by hand (biome is a dev dependency).
execFileSync(process.execPath, [fileURLToPath(biome), 'format', '--write', fileURLToPath(file)], {
  stdio: 'ignore',
});
console.error(`wrote ${file.pathname}`);
