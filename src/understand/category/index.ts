// Category classification: genfeed's classifier, the baselines, metrics and the benchmark.
export {
  type CategoryBenchmarkOptions,
  type CategoryBenchmarkResult,
  categoryBenchmark,
  type LevelComparison,
} from './category-benchmark.js';
export {
  CategoryClassifier,
  type CategoryClassifierOptions,
  type CategoryExample,
  type CategoryPrediction,
} from './category-classifier.js';
export { majorityLabel } from './majority-class.js';
export { type ClassificationMetrics, classificationMetrics } from './metrics.js';
export { type HoldOutSplit, holdOutSplit } from './split.js';
export { TfidfLogisticRegression, type TfidfLogisticRegressionOptions } from './tfidf-logistic-regression.js';
