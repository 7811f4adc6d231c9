import { type Logger, silentLogger } from '../../core/index.js';
import { joinedText, segment } from '../text/index.js';
import {
  CategoryClassifier,
  type CategoryClassifierOptions,
  type CategoryExample,
} from './category-classifier.js';
import { majorityLabel } from './majority-class.js';
import { type ClassificationMetrics, classificationMetrics } from './metrics.js';
import { holdOutSplit } from './split.js';
import { TfidfLogisticRegression } from './tfidf-logistic-regression.js';

export interface CategoryBenchmarkOptions {
  /** Split seed; default 42. */
  seed?: number;
  /** Held-out test share; default 0.2. */
  testFraction?: number;
  /** Share of the training part held out again to tune both models; default 0.15. */
  validationFraction?: number;
  /** genfeed classifier settings; `epochs` (default 12) is the most tried (the best epoch on validation is kept). */
  classifier?: CategoryClassifierOptions;
  /** Logit adjustment strengths tried for genfeed; default [0, 1]. */
  logitAdjustments?: readonly number[];
  /** Weight decays tried for the baseline; default [0, 1e-4, 1e-3]. */
  baselineWeightDecays?: readonly number[];
  /** Most baseline epochs tried (each epoch count up to it is scored); default 20. */
  baselineEpochs?: number;
  /** Baseline learning rates tried; default [0.05]. */
  baselineLearningRates?: readonly number[];
  logger?: Logger;
}

export interface LevelComparison {
  genfeed: ClassificationMetrics;
  tfidfLogReg: ClassificationMetrics;
  majority: ClassificationMetrics;
}

export interface CategoryBenchmarkResult {
  level1: LevelComparison;
  level2: LevelComparison;
  level3: LevelComparison;
  settings: {
    seed: number;
    trainExamples: number;
    testExamples: number;
    genfeed: { logitAdjustment: number; epochs: number; validationMacroF1: number };
    tfidfLogReg: { weightDecay: number; lr: number; epochs: number; validationMacroF1: number }[];
  };
}

const LEVEL_KEYS = ['level1', 'level2', 'level3'] as const;

/**
 * The category benchmark: a seeded held-out split of labelled videos; both
 * learned models tuned on a validation part of the training split (epochs and
 * one regularisation knob each, by macro F1), refit on the whole training split
 * with the same learning-rate schedule stopped at the chosen epoch, and scored per level on the test examples that have a label at that level.
 */
export function categoryBenchmark(
  examples: readonly CategoryExample[],
  options: CategoryBenchmarkOptions = {},
): CategoryBenchmarkResult {
  const logger = options.logger ?? silentLogger;
  const seed = options.seed ?? 42;
  const labelled = examples.filter((example) => example.path.length > 0);
  const split = holdOutSplit(labelled.length, { testFraction: options.testFraction ?? 0.2, seed });
  const train = split.train.map((i) => labelled[i]!);
  const test = split.test.map((i) => labelled[i]!);
  const inner = holdOutSplit(train.length, {
    testFraction: options.validationFraction ?? 0.15,
    seed: seed + 1,
  });
  const fit = inner.train.map((i) => train[i]!);
  const validation = inner.test.map((i) => train[i]!);

  const genfeedChoice = tuneGenfeed(fit, validation, options, logger);
  logger.info(
    `genfeed: tau ${genfeedChoice.logitAdjustment}, ${genfeedChoice.epochs} epochs (validation macro F1 ${genfeedChoice.validationMacroF1.toFixed(4)})`,
  );
  const classifier = CategoryClassifier.fit(train, {
    ...options.classifier,
    logitAdjustment: genfeedChoice.logitAdjustment,
    epochs: options.classifier?.epochs ?? 12,
    stopAfterEpoch: genfeedChoice.epochs,
  });
  const genfeedPredictions = classifier.predictLevels(test.map((example) => example.content));

  const words = (set: readonly CategoryExample[]): string[][] =>
    set.map((example) => segment(joinedText(example.content)));
  const trainWords = words(train);
  const testWords = words(test);
  const baselineChoices: CategoryBenchmarkResult['settings']['tfidfLogReg'] = [];
  const result = {} as Record<(typeof LEVEL_KEYS)[number], LevelComparison>;
  LEVEL_KEYS.forEach((key, level) => {
    const trainAt = train.flatMap((example, i) => (example.path[level] === undefined ? [] : [i]));
    const testAt = test.flatMap((example, i) => (example.path[level] === undefined ? [] : [i]));
    const truth = testAt.map((i) => test[i]!.path[level]!);
    const choice = tuneBaseline(
      fit.filter((example) => example.path[level] !== undefined),
      validation.filter((example) => example.path[level] !== undefined),
      level,
      options,
    );
    baselineChoices.push(choice);
    logger.info(
      `tfidf+logreg level ${level + 1}: weight decay ${choice.weightDecay}, lr ${choice.lr}, ${choice.epochs} epochs (validation macro F1 ${choice.validationMacroF1.toFixed(4)})`,
    );
    const baseline = TfidfLogisticRegression.fit(
      trainAt.map((i) => trainWords[i]!),
      trainAt.map((i) => train[i]!.path[level]!),
      {
        weightDecay: choice.weightDecay,
        lr: choice.lr,
        epochs: options.baselineEpochs ?? 20,
        stopAfterEpoch: choice.epochs,
        seed,
      },
    );
    const majority = majorityLabel(trainAt.map((i) => train[i]!.path[level]!));
    result[key] = {
      genfeed: classificationMetrics(
        truth,
        testAt.map((i) => genfeedPredictions[i]![level]!),
      ),
      tfidfLogReg: classificationMetrics(truth, baseline.predict(testAt.map((i) => testWords[i]!))),
      majority: classificationMetrics(
        truth,
        truth.map(() => majority),
      ),
    };
  });
  return {
    ...result,
    settings: {
      seed,
      trainExamples: train.length,
      testExamples: test.length,
      genfeed: genfeedChoice,
      tfidfLogReg: baselineChoices,
    },
  };
}

function tuneGenfeed(
  fit: readonly CategoryExample[],
  validation: readonly CategoryExample[],
  options: CategoryBenchmarkOptions,
  logger: Logger,
): CategoryBenchmarkResult['settings']['genfeed'] {
  const truth = validation.map((example) => example.path[0]!);
  let best = { logitAdjustment: 0, epochs: 1, validationMacroF1: -1 };
  for (const logitAdjustment of options.logitAdjustments ?? [0, 1]) {
    CategoryClassifier.fit(fit, {
      ...options.classifier,
      epochs: options.classifier?.epochs ?? 12,
      logitAdjustment,
      onEpoch: (epoch, classifier) => {
        const predicted = classifier.predictLevels(validation.map((example) => example.content));
        const { macroF1 } = classificationMetrics(
          truth,
          predicted.map((levels) => levels[0]!),
        );
        logger.debug(
          `genfeed tau ${logitAdjustment} epoch ${epoch}: validation macro F1 ${macroF1.toFixed(4)}`,
        );
        if (macroF1 > best.validationMacroF1)
          best = { logitAdjustment, epochs: epoch, validationMacroF1: macroF1 };
      },
    });
  }
  return best;
}

function tuneBaseline(
  fit: readonly CategoryExample[],
  validation: readonly CategoryExample[],
  level: number,
  options: CategoryBenchmarkOptions,
): CategoryBenchmarkResult['settings']['tfidfLogReg'][number] {
  const fitWords = fit.map((example) => segment(joinedText(example.content)));
  const validationWords = validation.map((example) => segment(joinedText(example.content)));
  const truth = validation.map((example) => example.path[level]!);
  let best = { weightDecay: 0, lr: 0.01, epochs: 1, validationMacroF1: -1 };
  for (const lr of options.baselineLearningRates ?? [0.05]) {
    for (const weightDecay of options.baselineWeightDecays ?? [0, 1e-4, 1e-3]) {
      TfidfLogisticRegression.fit(
        fitWords,
        fit.map((example) => example.path[level]!),
        {
          weightDecay,
          lr,
          epochs: options.baselineEpochs ?? 20,
          seed: options.seed ?? 42,
          onEpoch: (epoch, model) => {
            const { macroF1 } = classificationMetrics(truth, model.predict(validationWords));
            if (macroF1 > best.validationMacroF1)
              best = { weightDecay, lr, epochs: epoch, validationMacroF1: macroF1 };
          },
        },
      );
    }
  }
  return best;
}
