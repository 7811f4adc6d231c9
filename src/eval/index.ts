export type { EvaluatePhaseOptions, PhaseResult } from './evaluate-phase.js';
export { evaluatePhase } from './evaluate-phase.js';
export { givenSplit } from './given-split.js';
export { type LatencySummary, latencySummary, sampleEvaluatedUsers, timePerUser } from './latency.js';
export { leaveOneOut } from './leave-one-out.js';
export { ndcgAtK, recallAtK, reciprocalRank } from './metrics.js';
export {
  type ParamsResult,
  type ParseParamsOptions,
  paramsSchemaOf,
  parseParams,
  safeParseParams,
} from './model-params.js';
export { paramGrid } from './param-grid.js';
export type {
  FitContext,
  FitResult,
  ModelReport,
  Params,
  ParamsSchema,
  ParamValue,
  Recommender,
  RecommenderSpec,
  ReportContext,
  TrainingData,
} from './recommender.js';
export { formatReportMarkdown, formatReportTable } from './report-table.js';
export type { EvaluationOptions, EvaluationReport, SearchTrial, TestColumn } from './run-evaluation.js';
export { formatParams, peakRssMegabytes, runEvaluation } from './run-evaluation.js';
export type { EvalPhase, EvalSplit } from './split.js';
export { withoutRefit } from './split.js';
export type { SplitProtocol } from './split-dataset.js';
export { defaultProtocol, splitDataset, splitProtocols } from './split-dataset.js';
export type { TemporalSplitOptions } from './temporal-split.js';
export { temporalSplit } from './temporal-split.js';
export { topK } from './top-k.js';
