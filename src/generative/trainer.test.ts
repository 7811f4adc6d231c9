import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { crossEntropy, IntTensor, Linear, Module, type Tensor, tensor } from '../tensor/index.js';
import { SasRec } from './sasrec.js';
import { nextItemBatch } from './sequence-batch.js';
import { type EpochRecord, type TrainingTask, train } from './trainer.js';

const folder = mkdtempSync(join(tmpdir(), 'genfeed-trainer-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A small SASRec task over random sequences, with dropout so the random streams matter. */
function sasrecTask(seed = 1): TrainingTask & { module: SasRec } {
  const random = new Random(100);
  const sequences = Array.from({ length: 24 }, () =>
    Int32Array.from({ length: 2 + random.int(7) }, () => random.int(20)),
  );
  const model = new SasRec(
    { numItems: 20, dim: 16, layers: 1, heads: 2, maxLength: 8, dropout: 0.3 },
    new Random(seed),
  );
  return {
    module: model,
    examples: sequences.length,
    exampleSize: (i) => sequences[i]!.length,
    loss: (batch, batchRandom) =>
      model.loss(
        nextItemBatch(
          Array.from(batch, (i) => sequences[i]!),
          model.padId,
          8,
        ),
        batchRandom,
      ),
  };
}

/** Softmax regression of one-hot inputs: each example has one row, so batch means compose exactly. */
class Classifier extends Module {
  readonly linear: Linear;
  constructor(random: Random) {
    super();
    this.linear = this.addModule('linear', new Linear(8, 4, random));
  }
}

function classifierTask(): TrainingTask & { module: Classifier } {
  const module = new Classifier(new Random(3));
  const inputs = (batch: Int32Array): Tensor => {
    const data = new Float32Array(batch.length * 8);
    batch.forEach((example, row) => {
      data[row * 8 + (example % 8)] = 1;
    });
    return tensor(data, [batch.length, 8]);
  };
  return {
    module,
    examples: 16,
    loss: (batch) =>
      crossEntropy(
        module.linear.forward(inputs(batch)),
        new IntTensor(
          batch.map((example) => example % 4),
          [batch.length],
        ),
      ),
  };
}

const snapshot = (module: Module): Float32Array[] => module.parameters().map((p) => p.data.slice());

describe('train', () => {
  it('stops early on the validation signal and keeps the best epoch', async () => {
    const task = sasrecTask();
    const signal = [0.1, 0.3, 0.2, 0.25, 0.2, 0.9];
    const byEpoch = new Map<number, Float32Array[]>();
    let calls = 0;
    const result = await train(task, {
      epochs: 10,
      batchSize: 8,
      lr: 1e-2,
      validation: { evaluate: () => signal[calls++]!, patience: 3 },
      onEpoch: (record) => byEpoch.set(record.epoch, snapshot(task.module)),
    });
    expect(result.bestEpoch).toBe(2);
    expect(result.bestMetric).toBe(0.3);
    expect(result.epochs).toBe(5);
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.map((record) => record.metric)).toEqual([0.1, 0.3, 0.2, 0.25, 0.2]);
    expect(snapshot(task.module)).toEqual(byEpoch.get(2));
    expect(snapshot(task.module)).not.toEqual(byEpoch.get(5));
  });

  it('evaluates every N epochs and counts patience in evaluations', async () => {
    const task = sasrecTask();
    const values = [0.5, 0.4, 0.3];
    let calls = 0;
    const result = await train(task, {
      epochs: 9,
      batchSize: 8,
      lr: 1e-3,
      validation: { evaluate: () => values[calls++] ?? 0, every: 2, patience: 2 },
    });
    expect(
      result.history.filter((record) => record.metric !== undefined).map((record) => record.epoch),
    ).toEqual([2, 4, 6]);
    expect(result.bestEpoch).toBe(2);
  });

  it('resumes after an interruption and reproduces the uninterrupted run bit for bit', async () => {
    const options = { epochs: 6, batchSize: 8, lr: 3e-3, seed: 11, warmupSteps: 4 };
    const validation = () => ({ evaluate: () => 0.5, patience: 100 });
    const reference = sasrecTask(5);
    const full = await train(reference, { ...options, validation: validation() });

    const path = join(folder, 'resume.safetensors');
    const stop = new AbortController();
    const first = await train(sasrecTask(5), {
      ...options,
      validation: validation(),
      checkpoint: { path, resume: true },
      signal: stop.signal,
      onEpoch: (record: EpochRecord) => {
        if (record.epoch === 2) stop.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.epochs).toBe(2);
    // A fresh process: a differently initialised model, state read from the checkpoint.
    const resumedTask = sasrecTask(99);
    const resumed = await train(resumedTask, {
      ...options,
      validation: validation(),
      checkpoint: { path, resume: true },
    });
    expect(resumed.epochs).toBe(6);
    const losses = (records: EpochRecord[]) => records.map((record) => record.loss);
    expect(losses(resumed.history)).toEqual(losses(full.history));
    expect(snapshot(resumedTask.module)).toEqual(snapshot(reference.module));
  });

  it('refuses a checkpoint written with other settings', async () => {
    const path = join(folder, 'other.safetensors');
    await train(sasrecTask(), { epochs: 1, batchSize: 8, lr: 1e-3, checkpoint: { path } });
    await expect(
      train(sasrecTask(), { epochs: 2, batchSize: 4, lr: 1e-3, checkpoint: { path, resume: true } }),
    ).rejects.toThrow(/batchSize = 8, this run has 4/);
  });

  it('accumulates gradients: two micro-batches of 4 step like one batch of 8', async () => {
    const common = { epochs: 3, lr: 1e-2, seed: 4, clipNorm: 0, warmupSteps: 0 };
    const whole = classifierTask();
    await train(whole, { ...common, batchSize: 8 });
    const micro = classifierTask();
    await train(micro, { ...common, batchSize: 4, accumulate: 2 });
    const a = snapshot(whole.module);
    snapshot(micro.module).forEach((values, i) => {
      for (const [j, value] of values.entries()) expect(value).toBeCloseTo(a[i]![j]!, 5);
    });
  });

  it('lowers the loss of a real model', async () => {
    const task = sasrecTask();
    const result = await train(task, { epochs: 30, batchSize: 8, lr: 1e-2 });
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss - 0.5);
  });
});
