import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { simulatorAudience } from '../../../src/platform/index.js';
import { readSummary } from '../../../src/simulate/index.js';
import {
  type AudienceBenchmark,
  AudienceFinder,
  type AudienceScore,
  evaluateAudience,
  movieLensAudience,
  signalOnly,
  tuneAudienceWeights,
} from '../../../src/understand/index.js';
import { type BenchSection, formatTable } from '../section.js';

/**
 * Audience finding: for each held-out item rank all users; Recall@100 and AUC of
 * the tuned blend beside the most-active-users baseline and the content-only and
 * collaborative-only ablations, on MovieLens latest-small and on the simulator's
 * playground world (hidden affinity as truth).
 */
export const section: BenchSection = {
  name: 'audience',
  async run({ dataRoot, seed, logger }) {
    const results: Record<string, unknown> = {};
    const rows: string[][] = [];
    const movieLens = resolve(dataRoot, 'movielens-latest-small');
    if (existsSync(resolve(movieLens, 'ratings.csv'))) {
      logger.info('audience: MovieLens latest-small');
      results.movielens = {
        protocol:
          'ratings >= 4 are interest; 20% held out at random (10% of the rest for tuning); per held-out item rank every user without a visible rating',
        ...score(await movieLensAudience(movieLens, { seed }), rows, 'movielens'),
      };
    } else {
      logger.warn(`audience: MovieLens skipped, ${movieLens} not found`);
    }
    logger.info('audience: simulator playground (1,000 users, 2,000 items, 7 days of random exposure)');
    results.simulator = {
      protocol:
        'playground world, 7 days of random exposure, long views are interest; 150 held-out items keep their first 5 long views; positives = top 10% of the other users by hidden expected satisfaction',
      ...score(
        // The compiled bench lives outside src/, where shippedSummary() would look: read it from the source tree.
        await simulatorAudience({
          seed,
          logger,
          summary: readSummary(resolve('src/simulate/playground-summary.json')),
        }),
        rows,
        'simulator',
      ),
    };
    const table = formatTable(['data / model', 'items', 'Recall@100', 'AUC'], rows);
    return { results, table };
  },
};

function score(benchmark: AudienceBenchmark, rows: string[][], name: string) {
  const weights = tuneAudienceWeights(
    new AudienceFinder(benchmark.validation.log, benchmark.itemTokens),
    benchmark.validation.cases.slice(0, 500),
  );
  const finder = new AudienceFinder(benchmark.log, benchmark.itemTokens);
  const report = evaluateAudience(finder, benchmark.cases, { genfeed: weights, ...signalOnly });
  const out: Record<string, unknown> = { tunedWeights: weights };
  for (const [model, entry] of Object.entries(report)) {
    out[model] = figures(entry);
    rows.push([`${name} ${model}`, String(entry.items), entry.recall.toFixed(3), entry.auc.toFixed(3)]);
  }
  return out;
}

function figures(entry: AudienceScore) {
  return { 'recall@100': entry.recall, auc: entry.auc, items: entry.items };
}
