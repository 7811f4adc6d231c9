// The generative module's public door: sequence models on the tensor engine (trained by the training module).
export {
  type AlignmentEpoch,
  type AlignmentOptions,
  type AlignmentResult,
  type AlignmentUser,
  alignGenerative,
  itemTokensOf,
  type PreferencePair,
  type SessionReward,
} from './alignment.js';
export { type BatchScorer, type PhaseScorerOptions, phaseScorer } from './batched-scoring.js';
export {
  type BeamSearchOptions,
  type BeamSearchResult,
  beamSearch,
  type StepDecoder,
} from './beam-search.js';
export { dpoLoss } from './dpo-loss.js';
export {
  alignEcpo,
  type EcpoOptions,
  type EcpoResult,
  type EcpoStepRecord,
  type SampledSession,
  sampleGroup,
  sampleSession,
} from './ecpo.js';
export {
  type EcpoClip,
  type EcpoLossOptions,
  ecpoLoss,
  ecpoTerms,
  groupAdvantages,
  klTerms,
} from './ecpo-loss.js';
export { EncoderDecoder, type EncoderDecoderConfig } from './encoder-decoder.js';
export { frozenCopy } from './frozen-copy.js';
export {
  GENERATIVE_ARCHITECTURES,
  type GenerativeParams,
  type GenerativeParamsInput,
  generativeParamsSchema,
  VECTOR_KINDS,
  withCategoricalNames,
} from './generative-params.js';
export {
  ARCHITECTURES,
  type Generated,
  type GenerateOptions,
  type GenerativeArchitecture,
  type GenerativeModel,
  GenerativeRecommender,
  type GenerativeRecommenderOptions,
  type GenerativeSaveOptions,
  generativeSpec,
  generativeSpecOf,
  type PlacedItem,
} from './generative-spec.js';
export { LazyDecoder, type LazyDecoderConfig } from './lazy-decoder.js';
export {
  applyProcessors,
  type BeamPrefixes,
  type LogitsProcessor,
  logSoftmaxRows,
} from './logits-processor.js';
export { loadModelDirectory, type ModelDirectoryInfo, saveModelDirectory } from './model-directory.js';
export { type ModelFormat, modelFormats } from './model-formats.js';
export { MODEL_DIRECTORY_VERSION, type ModelManifest } from './model-manifest.js';
export { nearestRows } from './nearest-rows.js';
export { type PhaseValidationOptions, phaseValidation, samplePhase } from './phase-validation.js';
export {
  ExcludeItemsProcessor,
  PrefixConstraintProcessor,
  type SemanticIdLookup,
} from './prefix-constraint.js';
export { SasRec, type SasRecConfig } from './sasrec.js';
export {
  type SasRecParams,
  SasRecRecommender,
  type SasRecRecommenderOptions,
  sasrecParamsSchema,
  sasrecSpec,
} from './sasrec-spec.js';
export { type Recommendation, type RecommendByIdResult, SavedModel } from './saved-model.js';
export {
  BOS_TOKEN,
  FIRST_ITEM_TOKEN,
  type NextTokenBatch,
  nextTokenBatch,
  PAD_TOKEN,
  type TokenStreamBatch,
  tokenStreamBatch,
} from './semantic-sequences.js';
export { type NextItemBatch, nextItemBatch, type PaddedBatch, paddedBatch } from './sequence-batch.js';
export { type CandidateSessionOptions, candidateSessions } from './session-candidates.js';
export { type SessionRow, sessionContext, sessionLogProbs } from './session-log-prob.js';
export { type SampleSequenceOptions, sampleSequence } from './token-sampler.js';
