export type { Neighbours } from './cosine-neighbours.js';
export { cosineNeighbours } from './cosine-neighbours.js';
export {
  addNeighbourScores,
  ItemKnn,
  type ItemKnnParams,
  itemKnnParamsSchema,
  itemKnnSpec,
} from './item-knn.js';
export {
  MarkovKnn,
  type MarkovParams,
  type MarkovState,
  markovParamsSchema,
  markovSpec,
  transitionProbabilities,
} from './markov.js';
export { Popularity, popularitySpec } from './popularity.js';
export { baselineSpecs } from './registry.js';
