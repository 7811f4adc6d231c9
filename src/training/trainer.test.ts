import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import {
  crossEntropy,
  dropout,
  IntTensor,
  Linear,
  Module,
  relu,
  type Tensor,
  tensor,
} from '../tensor/index.js';
import { train, trainSync } from './trainer.js';
import type { EpochRecord, TrainingTask } from './trainer-options.js';

const folder = mkdtempSync(join(tmpdir(), 'genfeed-trainer-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A two-layer classifier with dropout over 24 examples of varied sizes, so the random streams matter. */
class Mlp extends Module {
  readonly hidden: Linear;
  readonly output: Linear;
  constructor(random: Random) {
    super();
    this.hidden = this.addModule('hidden', new Linear(8, 16, random));
    this.output = this.addModule('output', new Linear(16, 4, random));
  }

  forward(inputs: Tensor, random: Random): Tensor {
    const hidden = relu(this.hidden.forward(inputs)); // [B, 16]
    return this.output.forward(this.training ? dropout(hidden, 0.3, random) : hidden); // [B, 4]
  }
}

function mlpTask(seed = 1): TrainingTask & { module: Mlp } {
  const random = new Random(100);
  const examples = Array.from({ length: 24 }, () => ({
    inputs: Float32Array.from({ length: 8 }, () => random.normal()),
    target: random.int(4),
    size: 2 + random.int(7),
  }));
  const module = new Mlp(new Random(seed));
  return {
    module,
    examples: examples.length,
    exampleSize: (i) => examples[i]!.size,
    loss: (batch, batchRandom) => {
      const inputs = new Float32Array(batch.length * 8);
      for (const [row, example] of batch.entries()) inputs.set(examples[example]!.inputs, row * 8);
      const targets = new IntTensor(
        batch.map((example) => examples[example]!.target),
        [batch.length],
      );
      return crossEntropy(module.forward(tensor(inputs, [batch.length, 8]), batchRandom), targets);
    },
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
    const task = mlpTask();
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
    const task = mlpTask();
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
    const reference = mlpTask(5);
    const full = await train(reference, { ...options, validation: validation() });

    const path = join(folder, 'resume.safetensors');
    const stop = new AbortController();
    const first = await train(mlpTask(5), {
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
    const resumedTask = mlpTask(99);
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
    await train(mlpTask(), { epochs: 1, batchSize: 8, lr: 1e-3, checkpoint: { path } });
    await expect(
      train(mlpTask(), { epochs: 2, batchSize: 4, lr: 1e-3, checkpoint: { path, resume: true } }),
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
    const task = mlpTask();
    const result = await train(task, { epochs: 30, batchSize: 8, lr: 1e-2 });
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss - 0.5);
  });

  it('runs synchronously to the same parameters, with the same early stopping', async () => {
    const values = [0.2, 0.4, 0.3, 0.1];
    const options = (calls = { n: 0 }) => ({
      epochs: 8,
      batchSize: 8,
      lr: 3e-3,
      seed: 7,
      validation: { evaluate: () => values[calls.n++] ?? 0, patience: 2 },
    });
    const asynchronous = mlpTask(2);
    const a = await train(asynchronous, options());
    const synchronous = mlpTask(2);
    const b = trainSync(synchronous, options());
    expect(b.epochs).toBe(4);
    expect(b.bestEpoch).toBe(2);
    expect(b.history.map((record) => record.loss)).toEqual(a.history.map((record) => record.loss));
    expect(snapshot(synchronous.module)).toEqual(snapshot(asynchronous.module));
  });

  it('follows a given schedule, and takes no step for a batch with nothing to learn', () => {
    const task = classifierTask();
    const rates: number[] = [];
    const before = snapshot(task.module);
    const result = trainSync(
      { ...task, loss: (batch, random) => (batch.includes(0) ? undefined : task.loss(batch, random)) },
      {
        epochs: 2,
        batchSize: 16,
        lr: 0.5,
        schedule: (step, totalSteps) => {
          rates.push(step / totalSteps);
          return 1;
        },
      },
    );
    // Every batch of 16 holds example 0: no step, and no loss to average.
    expect(rates).toEqual([]);
    expect(result.history.map((record) => record.loss)).toEqual([0, 0]);
    expect(snapshot(task.module)).toEqual(before);
    trainSync(task, {
      epochs: 2,
      batchSize: 8,
      lr: 0.5,
      schedule: (step, totalSteps) => {
        rates.push(step / totalSteps);
        return 1;
      },
    });
    expect(rates).toEqual([0, 0.25, 0.5, 0.75]);
  });

  it('leaves dropout off when asked (trainMode false)', () => {
    const task = mlpTask();
    const modes: boolean[] = [];
    trainSync(
      {
        ...task,
        loss: (batch, random) => {
          modes.push(task.module.training);
          return task.loss(batch, random);
        },
      },
      { epochs: 1, batchSize: 8, lr: 1e-3, trainMode: false },
    );
    expect(new Set(modes)).toEqual(new Set([false]));
  });
});
