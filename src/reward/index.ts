// The reward module's public door: multi-task signal heads, the learned
// (EMER-style) fusion, the fixed-formula baseline, training and offline metrics.
export {
  batchOfCandidates,
  batchOfLog,
  type CandidateBatch,
  type RankingRequest,
  requestSlice,
} from './candidate-batch.js';
export { feedbackLevel } from './feedback-level.js';
export { formulaScores, formulaWeights } from './fixed-formula.js';
export {
  type ImpressionLog,
  ImpressionLogBuilder,
  type LoggedImpression,
  sliceLog,
  splitLastDay,
} from './impression-log.js';
export { type ItemSide, itemSideOfDurations } from './item-side.js';
export { type ItemSideLimits, itemSideOfRecords } from './item-side-of-records.js';
export { normalisedRanks } from './normalised-ranks.js';
export { type RankingQuality, rankingQuality, type SignalQuality, signalQuality } from './offline-report.js';
export { levelPairs, type Pairs, pairLoss, predictionPairs } from './pair-loss.js';
export { auc, gauc, groupNdcg, meanNdcg } from './ranking-metrics.js';
export {
  type ReadImpressionLog,
  type ReadImpressionLogOptions,
  readImpressionLog,
} from './read-impression-log.js';
export { requestOffsets } from './request-groups.js';
export { loadRewardModel, saveRewardModel } from './reward-checkpoint.js';
export {
  defaultShape,
  Fusion,
  type FusionArchitecture,
  fusionArchitectures,
  type RewardConfig,
  RewardModel,
  SignalTower,
} from './reward-model.js';
export { type RewardScores, scoreCandidates } from './score-candidates.js';
export { binaryHeads, type HeadName, headNames, numHeads } from './signals.js';
export {
  headTargets,
  type RewardEpoch,
  satisfactionLevels,
  type TieBreak,
  type TrainedReward,
  type TrainRewardOptions,
  trainReward,
} from './train-reward.js';
export { UncertaintyWeights } from './uncertainty-weights.js';
export { fitWatchTimeScale, type WatchTimeScale, watchPercentile } from './watch-time.js';
