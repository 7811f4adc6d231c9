/**
 * npm run bench:scale (issue 18): the generative feed and the production-shaped
 * cascade at 2k, 20k, 200k and 1M videos, every knob setting measured for CPU
 * per stage, latency at 200 req/s, memory, FLOPs and MFU, and quality against
 * the simulator's truth; then each pipeline's front, its best point and the CPU
 * ratio at equal quality. Each size runs in a child process (its memory is its
 * own) and writes bench/scale/results/scale-<items>.json; the parent gathers
 * every size file present into bench/results/scale.json, draws
 * docs/scale-fronts.svg and prints the README table. docs/scale.md.
 *
 *   npm run bench:scale -- [--sizes 2000,20000,200000,1000000] [--eval-users 300]
 *     [--recall 1000,3000] [--prerank linear,two-tower] [--keep 100,300]
 *     [--rank none,reward,target-attention] [--models d64,d128] [--beam 20,50,100]
 *     [--rerank none,reward] [--steps 1500] [--max-epochs 12] [--train-users 20000] [--fit-threads 1]
 *     [--gather-only]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { backendInfo, nativeUnavailableReason } from '../../src/tensor/index.js';
import { fullCascadeKnobs } from './cascade-arm.js';
import { frontsSvg } from './fronts-svg.js';
import { defaultBudget, fullGenerativeKnobs, modelSizes } from './generative-arm.js';
import { readmeTable, scaleJson, sizeTable } from './scale-report.js';
import { runSize, type SizeResult } from './scale-run.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '2000,20000,200000,1000000' },
    'eval-users': { type: 'string', default: '300' },
    recall: { type: 'string', default: fullCascadeKnobs.recall.join(',') },
    prerank: { type: 'string', default: fullCascadeKnobs.prerankModel.join(',') },
    keep: { type: 'string', default: fullCascadeKnobs.prerankSize.join(',') },
    rank: { type: 'string', default: fullCascadeKnobs.rankModel.join(',') },
    models: { type: 'string', default: fullGenerativeKnobs.models.map((size) => size.name).join(',') },
    beam: { type: 'string', default: fullGenerativeKnobs.beamWidth.join(',') },
    rerank: { type: 'string', default: fullGenerativeKnobs.rerank.join(',') },
    steps: { type: 'string', default: String(defaultBudget.steps) },
    'train-users': { type: 'string', default: String(defaultBudget.users) },
    'fit-threads': { type: 'string', default: '1' },
    'reward-epochs': { type: 'string', default: '2' },
    'max-epochs': { type: 'string', default: String(defaultBudget.maxEpochs) },
    child: { type: 'boolean', default: false },
    'gather-only': { type: 'boolean', default: false },
  },
});

const root = new URL('../../../../', import.meta.url);
const path = (relative: string) => new URL(relative, root).pathname;
const log = (line: string) => process.stderr.write(`${line}\n`);
const list = (flag: string, text: string) => {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new RangeError(`--${flag}: needs at least one value, got "${text}"`);
  return items;
};
const numbers = (flag: string, text: string) =>
  list(flag, text).map((item) => {
    const value = Number(item);
    if (!(Number.isInteger(value) && value > 0))
      throw new RangeError(`--${flag}: "${item}" is not a positive integer`);
    return value;
  });
const oneOf = <T extends string>(flag: string, text: string, allowed: readonly T[]) =>
  list(flag, text).map((item) => {
    if (!allowed.includes(item as T))
      throw new RangeError(`--${flag}: "${item}" is not one of ${allowed.join(', ')}`);
    return item as T;
  });
const sizeFile = (items: number) => path(`bench/scale/results/scale-${items}.json`);
const sizes = numbers('sizes', values.sizes);

if (values.child) {
  // The figures are the engine's: a silent fall back to the TypeScript kernels
  // (an addon the build tree cannot find) would time those instead.
  if (backendInfo().name !== 'native' && process.env.GENFEED_BACKEND !== 'ts')
    throw new Error(
      `bench:scale: the native tensor backend is unavailable (${nativeUnavailableReason()}); run npm run build:native, or set GENFEED_BACKEND=ts to measure the TypeScript kernels on purpose`,
    );
  const items = sizes[0]!;
  const result = await runSize({
    items,
    evalUsers: numbers('eval-users', values['eval-users'])[0]!,
    cascade: {
      recall: numbers('recall', values.recall),
      prerankModel: oneOf('prerank', values.prerank, ['linear', 'two-tower'] as const),
      prerankSize: numbers('keep', values.keep),
      rankModel: oneOf('rank', values.rank, ['none', 'reward', 'target-attention'] as const),
    },
    generative: {
      models: oneOf('models', values.models, Object.keys(modelSizes)).map((name) => modelSizes[name]!),
      beamWidth: numbers('beam', values.beam),
      rerank: oneOf('rerank', values.rerank, ['none', 'reward'] as const),
    },
    budget: {
      ...defaultBudget,
      steps: numbers('steps', values.steps)[0]!,
      users: numbers('train-users', values['train-users'])[0]!,
      maxEpochs: numbers('max-epochs', values['max-epochs'])[0]!,
    },
    prerankUsers: 2000,
    rewardEpochs: numbers('reward-epochs', values['reward-epochs'])[0]!,
    rate: 200,
    fitThreads: numbers('fit-threads', values['fit-threads'])[0]!,
    log,
  });
  mkdirSync(path('bench/scale/results/'), { recursive: true });
  writeFileSync(sizeFile(items), `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${sizeFile(items)}`);
} else {
  if (!values['gather-only']) {
    const passed = process.argv
      .slice(2)
      .filter((arg, i, all) => arg !== '--sizes' && all[i - 1] !== '--sizes');
    for (const items of sizes) {
      log(`== ${items} videos`);
      const child = spawnSync(
        process.execPath,
        [process.argv[1]!, ...passed, '--sizes', String(items), '--child'],
        {
          stdio: 'inherit',
        },
      );
      if (child.status !== 0)
        throw new Error(`bench:scale: the ${items}-video run failed (exit ${child.status})`);
    }
  }
  // Every size measured so far, so a quick run of one size keeps the others' figures.
  const results: SizeResult[] = [2000, 20000, 200000, 1000000, ...sizes]
    .filter((items, i, all) => all.indexOf(items) === i && existsSync(sizeFile(items)))
    .map((items) => JSON.parse(readFileSync(sizeFile(items), 'utf8')) as SizeResult);
  const json = scaleJson(results);
  writeFileSync(path('bench/results/scale.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(path('docs/scale-fronts.svg'), frontsSvg(json));
  for (const size of json.sizes) process.stdout.write(`${sizeTable(size)}\n\n`);
  process.stdout.write(`${readmeTable(json)}\n`);
  log('wrote bench/results/scale.json and docs/scale-fronts.svg');
}
