import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Logger, workerEntry } from '../core/index.js';
import type { TrainingData } from '../eval/index.js';
import { SasRecRecommender } from './sasrec-spec.js';

const entry = workerEntry(import.meta.url, 'sasrec-worker');

export interface SasRecThreadData {
  params: Readonly<Record<string, unknown>>;
  numUsers: number;
  numItems: number;
  sequences: readonly Int32Array[];
  seed: number;
  /** Where the worker saves the fitted model. */
  path: string;
}

export type FromSasRecThread =
  | { type: 'log'; level: 'info' | 'warn' | 'error' | 'debug'; line: string }
  | { type: 'done' }
  | { type: 'failed'; message: string };

/**
 * Fits SASRec with `params` (its own, prefix removed) on `data` in a worker
 * thread, so the caller's thread can train something else meanwhile (the
 * generative model's decoder beside its ID model: each gets a core). The
 * worker's log lines reach `logger`; the model comes back through a temporary
 * checkpoint. Deterministic for a given `seed`.
 */
export async function fitSasRecInThread(
  params: Readonly<Record<string, unknown>>,
  data: TrainingData,
  options: { seed: number; logger: Logger },
): Promise<SasRecRecommender> {
  const dir = await mkdtemp(join(tmpdir(), 'genfeed-sasrec-thread-'));
  const path = join(dir, 'sasrec.safetensors');
  try {
    const workerData: SasRecThreadData = {
      params,
      numUsers: data.numUsers,
      numItems: data.numItems,
      sequences: data.sequences,
      seed: options.seed,
      path,
    };
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker(entry.url, { workerData, ...entry.options });
      let settled = false;
      worker.on('message', (message: FromSasRecThread) => {
        if (message.type === 'log') options.logger[message.level](message.line);
        else if (message.type === 'done') {
          settled = true;
          resolve();
        } else {
          settled = true;
          reject(new Error(`SASRec's training thread failed: ${message.message}`));
        }
      });
      worker.on('error', (error) => {
        settled = true;
        reject(error);
      });
      worker.on('exit', (code) => {
        if (!settled)
          reject(new Error(`SASRec's training thread exited (code ${code}) before saving its model`));
      });
    });
    return await SasRecRecommender.load(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
