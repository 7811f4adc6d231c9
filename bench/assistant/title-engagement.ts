/**
 * The engagement predictor on real titles with real engagement: MovieLens
 * latest-small movie titles and genres, engagement = number of ratings, "high"
 * = the top quarter of rated movies. Movies split 70/10/20 at random (seeded):
 * the validation part picks the epoch, the test part gives the AUC. Tags are
 * left out (users tag what they watched, so tag counts leak engagement).
 */

import {
  type EngagedCaption,
  EngagementPredictor,
  type FeatureSet,
  type LabelledDraft,
  TitleMiner,
  type TitleSuggestion,
} from '../../src/assistant/index.js';
import { Random } from '../../src/core/index.js';
import { readMovieLensMovies, readMovieLensRatings } from '../../src/data/index.js';
import { auc } from '../../src/reward/index.js';
import { interpolatedQuantile } from '../../src/statistics/index.js';

export interface TitleBench {
  movies: number;
  highThreshold: number;
  split: { train: number; validation: number; test: number };
  engagementAuc: Record<string, number>;
  bestEpoch: Record<string, number>;
  examples: Array<{ draft: string; genres: string[]; titles: TitleSuggestion[] }>;
}

export async function movieLensTitleBench(folder: string, seed: number, epochs: number): Promise<TitleBench> {
  const counts = new Map<string, number>();
  for await (const rating of readMovieLensRatings(`${folder}/ratings.csv`)) {
    counts.set(rating.item, (counts.get(rating.item) ?? 0) + 1);
  }
  const corpus: EngagedCaption[] = [];
  for await (const movie of readMovieLensMovies(`${folder}/movies.csv`)) {
    const engagement = counts.get(movie.id);
    if (engagement === undefined || !movie.title) continue;
    const genres = (movie.categories ?? []).filter((genre) => genre !== '(no genres listed)');
    corpus.push({ itemId: movie.id, caption: movie.title, categories: genres, engagement });
  }
  const highThreshold = interpolatedQuantile(
    corpus.map((movie) => movie.engagement),
    0.75,
  );
  const labelled = corpus.map((movie): LabelledDraft & { movie: EngagedCaption } => ({
    movie,
    draft: movie,
    label: movie.engagement > highThreshold ? 1 : 0,
  }));
  const random = new Random(seed);
  for (let i = labelled.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [labelled[i], labelled[j]] = [labelled[j]!, labelled[i]!];
  }
  const trainEnd = Math.floor(0.7 * labelled.length);
  const validationEnd = Math.floor(0.8 * labelled.length);
  const train = labelled.slice(0, trainEnd);
  const validation = labelled.slice(trainEnd, validationEnd);
  const test = labelled.slice(validationEnd);
  const engagementAuc: Record<string, number> = {};
  const bestEpoch: Record<string, number> = {};
  const names: Record<string, FeatureSet> = {
    genfeed: 'full',
    lengthOnly: 'length',
    categoryPrior: 'category',
  };
  let full: EngagementPredictor | undefined;
  for (const [name, featureSet] of Object.entries(names)) {
    const predictor = EngagementPredictor.train(train, { featureSet, epochs, validation, seed });
    engagementAuc[name] = auc(
      test.map((example) => predictor.predict(example.draft)),
      test.map((example) => example.label),
    );
    bestEpoch[name] = predictor.bestEpoch;
    if (featureSet === 'full') full = predictor;
  }
  // Mining examples: drafts that are not in the catalogue, answered from the training movies only.
  const miner = new TitleMiner(
    train.map((example) => example.movie),
    { predictor: full!, minQuantile: 0.75 },
  );
  const drafts = [
    { caption: 'Space Wars: The Return (2019)', categories: ['Action', 'Sci-Fi'] },
    { caption: 'A Love Story in Paris (2018)', categories: ['Romance', 'Comedy'] },
  ];
  const examples = drafts.map((draft) => ({
    draft: draft.caption,
    genres: draft.categories,
    titles: miner.mine(draft, 3),
  }));
  return {
    movies: corpus.length,
    highThreshold,
    split: { train: train.length, validation: validation.length, test: test.length },
    engagementAuc,
    bestEpoch,
    examples,
  };
}
