/**
 * `npm run bench:parity`: genfeed's SASRec against the PyTorch reference
 * (`../shared/tools/sasrec_ref.py`), step for step. The reference writes its
 * initial weights and logs its first steps (users and loss, dropout off);
 * genfeed loads the same weights, builds the same batches from the logged
 * users and takes the same Adam steps. Prints both losses side by side with
 * their relative difference and exits 1 when one exceeds --tolerance.
 *
 *   node dist/bench-parity/bench/parity/sasrec-parity.js [--data F] [--steps 50] [--refit]
 *     [--d 64 --layers 2 --heads 1 --maxlen 50 --bs 256 --lr 1e-3 --seed 0] [--tolerance 1e-4]
 *
 * GENFEED_BACKEND=native|ts picks the kernels. Needs /usr/bin/python3 with torch.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Random } from '../../src/core/index.js';
import { SasRec } from '../../src/generative/sasrec.js';
import {
  loadReferenceWeights,
  referenceSasRecOptions,
  referenceTrainSequences,
  replayReferenceSteps,
} from '../../src/generative/sasrec-reference.js';
import { backendInfo, loadCheckpoint } from '../../src/tensor/index.js';

const { values: flags } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/amazon-beauty/Beauty.txt' },
    reference: { type: 'string', default: '../shared/tools/sasrec_ref.py' },
    python: { type: 'string', default: '/usr/bin/python3' },
    steps: { type: 'string', default: '50' },
    d: { type: 'string', default: '64' },
    layers: { type: 'string', default: '2' },
    heads: { type: 'string', default: '1' },
    maxlen: { type: 'string', default: '50' },
    bs: { type: 'string', default: '256' },
    lr: { type: 'string', default: '1e-3' },
    seed: { type: 'string', default: '0' },
    /** Train on seq[:-1] (the reference's --refit) instead of seq[:-2]. */
    refit: { type: 'boolean', default: false },
    tolerance: { type: 'string', default: '1e-4' },
    /** Also write the reference's steps, init weights and data here (a test fixture). */
    'save-fixture': { type: 'string' },
  },
});
const steps = Number(flags.steps);
const [dim, layers, heads, maxLength] = [flags.d, flags.layers, flags.heads, flags.maxlen].map(Number) as [
  number,
  number,
  number,
  number,
];
const lr = Number(flags.lr);
const tolerance = Number(flags.tolerance);
const data = resolve(flags.data!);
const folder = mkdtempSync(join(tmpdir(), 'genfeed-parity-'));
const init = join(folder, 'init.safetensors');

interface ReferenceStep {
  loss: number;
  users: number[];
}

/** Runs the reference until it has logged `steps` steps, then stops it. */
async function referenceSteps(): Promise<{ steps: ReferenceStep[]; seconds: number }> {
  const args = [
    resolve(flags.reference!),
    ...['--data', data, '--d', flags.d!, '--layers', flags.layers!, '--heads', flags.heads!],
    ...['--maxlen', flags.maxlen!, '--bs', flags.bs!, '--lr', flags.lr!, '--seed', flags.seed!],
    ...['--drop', '0', '--log-steps', String(steps), '--save-init', init, '--threads', '2'],
    // Enough epochs for the steps; the run is stopped once they are logged.
    ...(flags.refit ? ['--refit', '1000'] : ['--max_epochs', '1000', '--patience', '1000']),
  ];
  const started = performance.now();
  const child = spawn(flags.python!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const logged: ReferenceStep[] = [];
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^step (\d+) loss (\S+) users (\S+)$/.exec(line);
    if (match === null) continue;
    logged.push({ loss: Number(match[2]), users: match[3]!.split(',').map(Number) });
    if (logged.length >= steps) break;
  }
  const seconds = (performance.now() - started) / 1000;
  child.kill();
  const code = await exited;
  if (logged.length < steps) throw new Error(`the reference logged ${logged.length} steps (exit ${code})`);
  return { steps: logged, seconds };
}

try {
  const reference = await referenceSteps();
  const text = readFileSync(data, 'utf8');
  const { sequences, numItems } = referenceTrainSequences(text, flags.refit!);
  const model = new SasRec(
    { numItems, dim, layers, heads, maxLength, ...referenceSasRecOptions(dim, 0) },
    new Random(0),
  );
  const checkpoint = await loadCheckpoint(init);
  loadReferenceWeights(model, checkpoint.tensors, init);
  const started = performance.now();
  const losses = replayReferenceSteps(
    model,
    sequences,
    reference.steps.map((step) => step.users),
    lr,
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `SASRec parity, ${data.split('/').at(-1)}: d ${dim}, ${layers} layers, ${heads} heads, maxlen ${maxLength}, batch ${flags.bs}, lr ${lr}, ${flags.refit ? 'refit (seq[:-1])' : 'seq[:-2]'}, dropout 0; genfeed backend ${backendInfo().description}`,
  );
  console.log('step  reference     genfeed       rel. diff');
  let worst = 0;
  losses.forEach((loss, i) => {
    const ref = reference.steps[i]!.loss;
    const rel = Math.abs(loss - ref) / Math.abs(ref);
    worst = Math.max(worst, rel);
    console.log(
      `${String(i + 1).padStart(4)}  ${ref.toFixed(6).padStart(10)}  ${loss.toFixed(6).padStart(10)}  ${rel.toExponential(2).padStart(10)}`,
    );
  });
  console.log(
    `max relative difference ${worst.toExponential(2)} over ${steps} steps (tolerance ${tolerance.toExponential(0)}); reference ${reference.seconds.toFixed(1)} s to log them (start-up included), genfeed ${seconds.toFixed(1)} s`,
  );
  const fixture = flags['save-fixture'];
  if (fixture !== undefined) {
    writeFileSync(
      `${fixture}.json`,
      `${JSON.stringify({ config: { dim, layers, heads, maxLength, lr, refit: flags.refit }, steps: reference.steps })}\n`,
    );
    writeFileSync(`${fixture}.safetensors`, readFileSync(init));
  }
  if (!(worst <= tolerance)) process.exitCode = 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
}
