// The simulate module's public door: a calibrated user simulator, its policies and the A/B runner.

export { formatAbTest, formatValidity } from './ab-report-table.js';
export {
  type AbTestOptions,
  type AbTestReport,
  type Comparison,
  type PolicyReport,
  runAbTest,
} from './ab-test.js';
export { type BucketFigures, BucketMetrics } from './bucket-metrics.js';
export { type CalibrationSample, calibrate } from './calibrate.js';
export {
  type CalibrationReport,
  type CalibrationRow,
  type CooccurrenceRow,
  calibrationJson,
  calibrationReport,
  formatCalibration,
  pairTolerance,
  rateTolerance,
} from './calibration-report.js';
export type { Departures, WorldStrengths } from './departures.js';
export { deriveSummary } from './derive-summary.js';
export {
  type CalibrateOptions,
  calibratedEnvironment,
  calibrationDays,
  calibrationUsers,
  type Environment,
  measureCalibration,
} from './environment.js';
export { eventSignals } from './event-signals.js';
export { factorize, kmeans, type TasteModel } from './factorize.js';
export { FanGraph } from './fan-graph.js';
export { ImpressionLogSink } from './impression-log-sink.js';
export { KuaiRandLogWriter, kuaiRandLogColumns, kuaiRandLogLine } from './kuairand-log-writer.js';
export { type PlaygroundOptions, playgroundWorld } from './playground-world.js';
export { findPolicy, policyNames, recommenderPolicy, registerPolicy } from './policies.js';
export {
  type FeedRequest,
  fillRandom,
  type Policy,
  type PolicyContext,
  type PolicyFactory,
} from './policy.js';
export { type RealWorldOptions, type RealWorldSources, realWorld } from './real-world.js';
export { RecallCandidates } from './recall-candidates.js';
export { type Reference, referenceSatisfaction } from './reference.js';
export {
  emptyOutcome,
  type Outcome,
  type ResponseParams,
  type ResponseShape,
  respond,
  responseDesign,
  sigmoid,
} from './response-model.js';
export {
  fixedFormulaPolicy,
  itemSideOfWorld,
  learnedRewardPolicy,
  learnedSessionReward,
  rewardPolicyDesign,
} from './reward-policies.js';
export { type RewardReport, type RewardReportOptions, rewardReport } from './reward-report.js';
export {
  maxWorldStrength,
  type SatisfactionWorldOptions,
  satisfactionDesign,
  withSatisfactionWorld,
} from './satisfaction-world.js';
export { type ScaledLog, type ScaledLogOptions, scaledLog } from './scaled-log.js';
export { type ScaledWorldOptions, scaledUsers, scaledWorld, scaleSizes } from './scaled-world.js';
export { SeenItems, UserHistory } from './seen-items.js';
export {
  dynamicsDesign,
  endUserDay,
  returnsToday,
  runSession,
  runSessionAsync,
  type SessionContext,
  type SessionIo,
  type SessionPage,
  type SessionStart,
  type SessionTotals,
  sessionsToday,
  type Watched,
} from './session.js';
export { parseSignalStats, readSignalStatsFile } from './signal-stats-file.js';
export {
  binarySignals,
  type CalibratedSignal,
  calibratedSignals,
  SignalCounter,
  type SignalStats,
} from './signals.js';
export { SimulationState } from './simulation-state.js';
export { type Impression, type SimulationSink, simulateDays } from './simulator.js';
export {
  type PlaygroundSummary,
  parseSummary,
  readSummary,
  shippedSummary,
  summarySchema,
} from './summary.js';
export { tasteTruth } from './taste-truth.js';
export {
  type FormulaCandidate,
  type TunedFormula,
  type TuneFormulaOptions,
  tuneFormulaWeights,
} from './tune-formula.js';
export {
  type FormulaWeights,
  formulaPolicy,
  tunedFormulaPolicy,
  tunedWeightsOf,
  uniformWorldStrength,
  weightedFormulaScores,
} from './tuned-formula.js';
export { type TunedWeights, tunedFormulaWeights } from './tuned-formula-weights.js';
export { sessionHour } from './user-traits.js';
export {
  randomScoresSpec,
  type ValidityModel,
  type ValidityReport,
  type ValidityRow,
  validityCheck,
} from './validity.js';
export { type Catalogue, expectedSatisfaction, type Population, taste, type World } from './world.js';
