// A worker thread that fits a SASRec ID model (`fitSasRecInThread`) while the
// generative model's decoder trains on the main thread, and saves it where the
// main thread loads it from.
import { parentPort, workerData } from 'node:worker_threads';
import { Random, silentProgress } from '../core/index.js';
import { parseParams } from '../eval/index.js';
import { SasRecRecommender, sasrecSpec } from './sasrec-spec.js';
import type { FromSasRecThread, SasRecThreadData } from './sasrec-thread.js';

const data = workerData as SasRecThreadData;
const post = (message: FromSasRecThread) => parentPort!.postMessage(message);
const say = (level: 'info' | 'warn' | 'error' | 'debug') => (line: string) =>
  post({ type: 'log', level, line });
try {
  const sasrec = new SasRecRecommender(
    parseParams(sasrecSpec, data.params, { source: 'generative params', path: 'sasrec' }),
  );
  await sasrec.fit(
    { numUsers: data.numUsers, numItems: data.numItems, sequences: data.sequences },
    {
      random: new Random(data.seed),
      logger: { info: say('info'), warn: say('warn'), error: say('error'), debug: say('debug') },
      progress: silentProgress,
    },
  );
  await sasrec.save(data.path);
  post({ type: 'done' });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
