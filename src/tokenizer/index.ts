// The tokenizer module's only public door: item vectors, RQ-Kmeans semantic IDs,
// the prefix trie and token vocabulary a constrained decoder uses, checkpoints.
export {
  type CollaborativeVectorOptions,
  type CollaborativeVectors,
  collaborativeVectors,
} from './item-vectors/collaborative-vectors.js';
export { type CombineOptions, combineItemVectors } from './item-vectors/combine-item-vectors.js';
export {
  type ContentVectorOptions,
  type ContentVectors,
  contentVectors,
} from './item-vectors/content-vectors.js';
export type { ItemVectors } from './item-vectors/item-vectors.js';
export { type ContentField, contentFields, metadataFeatures } from './item-vectors/metadata-features.js';
export { textTokens } from './item-vectors/text-tokens.js';
export {
  MAX_CODEBOOK_SIZE,
  type ResidualKmeans,
  type ResidualKmeansOptions,
  residualKmeans,
} from './kmeans/residual-kmeans.js';
export { centredOperator, denseOperator, type LinearOperator } from './linalg/linear-operator.js';
export { type RandomizedSvdOptions, randomizedSvd, type TruncatedSvd } from './linalg/randomized-svd.js';
export { SparseMatrix } from './linalg/sparse-matrix.js';
export { type PrefixLookup, PrefixTrie } from './prefix-trie.js';
export {
  type ColdStartAssignment,
  SemanticTokenizer,
  type SemanticTokenizerOptions,
  type SemanticTokenizerParts,
  type TokenizerTraining,
} from './semantic-tokenizer.js';
export { TokenVocabulary } from './token-vocabulary.js';
export {
  decodeTokenizer,
  encodeTokenizer,
  loadTokenizer,
  loadTokenizerCheckpoint,
  saveTokenizer,
  type TokenizerCheckpoint,
  type TokenizerCheckpointOptions,
} from './tokenizer-checkpoint.js';
export { evaluateTokenizer, type TokenizerReport } from './tokenizer-report.js';
export {
  type DatasetTokenizerOptions,
  type DatasetTokenizerRun,
  type ItemVectorKind,
  tokenizerReport,
} from './tokenizer-report-of-dataset.js';
