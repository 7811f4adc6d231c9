import type { RecommenderSpec } from '../eval/index.js';
import { itemKnnSpec } from './item-knn.js';
import { markovSpec } from './markov.js';
import { popularitySpec } from './popularity.js';

/** The classic baselines, in the order reports list them. */
export const baselineSpecs: readonly RecommenderSpec[] = [popularitySpec, itemKnnSpec, markovSpec];
