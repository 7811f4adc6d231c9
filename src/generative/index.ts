// The generative module's public door: sequence models on the tensor engine and their trainer.
export { type BatchScorer, type PhaseScorerOptions, phaseScorer } from './batched-scoring.js';
export { type PhaseValidationOptions, phaseValidation, samplePhase } from './phase-validation.js';
export { SasRec, type SasRecConfig } from './sasrec.js';
export { SasRecRecommender, type SasRecRecommenderOptions, sasrecSpec } from './sasrec-spec.js';
export { type NextItemBatch, nextItemBatch, type PaddedBatch, paddedBatch } from './sequence-batch.js';
export {
  type EpochRecord,
  type TrainerOptions,
  type TrainingResult,
  type TrainingTask,
  train,
  type Validation,
} from './trainer.js';
