// The training module's public door: the one trainer (epochs, early stopping,
// checkpoints) and the optimisation step every training loop takes.
export { type LearningRate, Optimization, type OptimizationOptions } from './optimization.js';
export { train, trainSync } from './trainer.js';
export type {
  EpochRecord,
  SyncTrainerOptions,
  TrainerOptions,
  TrainingResult,
  TrainingTask,
  Validation,
} from './trainer-options.js';
