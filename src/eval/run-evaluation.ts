import { type Logger, type Progress, Random, silentLogger, silentProgress } from '../core/index.js';
import { evaluatePhase, type PhaseResult } from './evaluate-phase.js';
import { parseParams } from './model-params.js';
import { paramGrid } from './param-grid.js';
import type { Params, ParamValue, Recommender, RecommenderSpec, TrainingData } from './recommender.js';
import { type EvalPhase, type EvalSplit, withoutRefit } from './split.js';

export interface EvaluationOptions {
  /** Seed of every random choice the models make. Default 42. */
  seed?: number;
  /**
   * Refit on everything but the test targets with the chosen hyperparameters
   * (default, see ANCHORS.md "Protocol detail"); false skips the refit, and the
   * report's test figures are then the no-refit column's.
   */
  refit?: boolean;
  /** Hyperparameters fixed by the caller: not searched. */
  params?: Params;
  /** Replaces the model's own search space. */
  search?: Record<string, readonly ParamValue[]>;
  /** Validation metric that picks the hyperparameters. Default `ndcg@10`. */
  selectBy?: string;
  ks?: readonly number[];
  logger?: Logger;
  progress?: Progress;
}

export interface SearchTrial {
  params: Params;
  validation: Record<string, number>;
  fitSeconds: number;
}

/** The test phase as scored by one model: one column of a report. */
export interface TestColumn {
  /** Users evaluated on the test phase. */
  users: number;
  coldUsers: number;
  metrics: Record<string, number>;
  /** Half-width of each metric's 95% confidence interval over users. */
  ci95: Record<string, number>;
  /** Seconds spent fitting the model this column comes from. */
  trainSeconds: number;
  /** Seconds spent ranking the test users. */
  evalSeconds: number;
}

export interface EvaluationReport {
  dataset: string;
  model: string;
  /** Users evaluated on the test phase. */
  users: number;
  metrics: Record<string, number>;
  /** Half-width of each test metric's 95% confidence interval over users. */
  ci95: Record<string, number>;
  /** Seconds spent fitting the model the test figure comes from. */
  trainSeconds: number;
  /** Seconds spent ranking the test users. */
  evalSeconds: number;
  /** Seconds spent on the hyperparameter search (fits and validation rankings). */
  tuneSeconds: number;
  params: Params;
  protocol: {
    split: string;
    description: string;
    fitPolicy: string;
    ranking: string;
    selectBy: string;
  };
  validation: { users: number; metrics: Record<string, number> };
  search: SearchTrial[];
  coldUsers: number;
  seed: number;
  /** Peak resident set size of the whole process (MB) when the report was made. */
  peakRssMB: number;
  /**
   * The no-refit column, the one papers publish: the model fit for validation
   * (training part only, with the parameters of the epoch validation chose)
   * ranking the test phase, whose history includes the validation items. The
   * top-level `users`, `metrics`, `ci95`, `trainSeconds` and `evalSeconds` are
   * the refit column (the same figures as this one when `refit` is false).
   */
  noRefit: TestColumn;
  /** Model-specific extras from `Recommender.report` (e.g. `tokenizer`, `beamLatencyMs`). */
  [extra: string]: unknown;
}

/**
 * The offline protocol: choose hyperparameters (and model-chosen values such as
 * epoch counts) on the validation phase with models fit on the training part,
 * score the test phase with the chosen model as it is (the no-refit column),
 * then refit with those choices on everything but the test targets and score
 * the test phase again (the refit column).
 *
 * Each phase (every validation fit, the test rankings, the refit) is announced
 * and timed on `logger.debug`, which the CLI prints when its output is a log file.
 */
export async function runEvaluation<P extends Params>(
  spec: RecommenderSpec<P>,
  split: EvalSplit,
  options: EvaluationOptions & { dataset: string },
): Promise<EvaluationReport> {
  const seed = options.seed ?? 42;
  const refit = options.refit ?? true;
  const selectBy = options.selectBy ?? 'ndcg@10';
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const ks = options.ks ?? [5, 10, 20];
  const fixed: Params = parseParams(spec, options.params ?? {});
  const search = Object.fromEntries(
    Object.entries(options.search ?? spec.search).filter(([key]) => !(key in (options.params ?? {}))),
  );
  // Every trial is checked before the first fit, so a bad search value fails fast.
  const grid = paramGrid(fixed, search).map((params) => parseParams(spec, params));
  const hasValidation = split.validation.targets.some((targets) => targets.length > 0);

  const tuneStart = performance.now();
  const trials: SearchTrial[] = [];
  let best: { params: P; result: PhaseResult; fitSeconds: number } | undefined;
  // Held apart from `best` so that it can be let go before the refit.
  let validationModel: Recommender | undefined;
  if (hasValidation) {
    // One bar over the trials of a search; a single trial (e.g. one neural fit) shows its own progress.
    const trialProgress = grid.length > 1 ? silentProgress : progress;
    if (grid.length > 1) progress.start(`tune ${spec.name}`, grid.length);
    for (const [index, params] of grid.entries()) {
      const trial = grid.length > 1 ? ` ${index + 1}/${grid.length}` : '';
      logger.debug(`validation fit${trial}: ${spec.name}${changed(params, fixed)} on the training part`);
      const fitStart = performance.now();
      const model = spec.create(params);
      const fitResult = await model.fit(trainingData(split, split.validation), {
        random: new Random(seed),
        logger,
        progress: trialProgress,
        validation: split.validation,
      });
      const fitSeconds = seconds(fitStart);
      const chosen = parseParams(spec, { ...params, ...fitResult?.chosen });
      const rankStart = performance.now();
      const result = evaluatePhase(model, split.validation, split.numItems, { ks, progress: trialProgress });
      trials.push({ params: chosen, validation: result.metrics, fitSeconds });
      logger.debug(
        `validation fit${trial}${changed(chosen, fixed)}: validation ${selectBy} ${(result.metrics[selectBy] ?? 0).toFixed(4)} (fit ${fitSeconds.toFixed(1)} s, ranking ${seconds(rankStart).toFixed(1)} s)`,
      );
      if (!best || (result.metrics[selectBy] ?? 0) > (best.result.metrics[selectBy] ?? 0)) {
        best = { params: chosen, result, fitSeconds };
        validationModel = model;
      }
      if (grid.length > 1)
        progress.update(index + 1, { best: (best.result.metrics[selectBy] ?? 0).toFixed(4) });
    }
    if (grid.length > 1) progress.stop();
  } else {
    logger.warn('no validation targets in this split: using the default hyperparameters');
  }
  const tuneSeconds = seconds(tuneStart);
  if (best && grid.length > 1) {
    logger.info(
      `${spec.name}: chose ${formatParams(best.params)} on validation (${selectBy} ${(best.result.metrics[selectBy] ?? 0).toFixed(4)}, ${grid.length} trials, ${tuneSeconds.toFixed(1)} s)`,
    );
  }

  const params = best?.params ?? grid[0]!;
  const fitAndLog = async (phase: EvalPhase, what: string): Promise<[Recommender, number]> => {
    logger.debug(`${what}: ${spec.name}${changed(params, fixed)}`);
    const fitStart = performance.now();
    const model = spec.create(params);
    await model.fit(trainingData(split, phase), { random: new Random(seed), logger, progress });
    const fitSeconds = seconds(fitStart);
    logger.debug(`${what}: ${fitSeconds.toFixed(1)} s`);
    return [model, fitSeconds];
  };
  const rankTest = (model: Recommender, phase: EvalPhase, trainSeconds: number, what: string): TestColumn => {
    const evalStart = performance.now();
    const result = evaluatePhase(model, phase, split.numItems, { ks, progress });
    const evalSeconds = seconds(evalStart);
    logger.debug(
      `test ranking, ${what}: recall@10 ${(result.metrics['recall@10'] ?? 0).toFixed(4)}, ndcg@10 ${(result.metrics['ndcg@10'] ?? 0).toFixed(4)}, ${result.users} users in ${evalSeconds.toFixed(1)} s`,
    );
    return { ...result, trainSeconds, evalSeconds };
  };

  // The no-refit column: the validation model as it is (a split without
  // validation targets had no validation fit: one is made on the training part).
  const noRefitPhase = withoutRefit(split);
  let noRefitFitSeconds = best?.fitSeconds ?? 0;
  if (!validationModel)
    [validationModel, noRefitFitSeconds] = await fitAndLog(noRefitPhase, 'fit on the training part');
  const noRefit = rankTest(validationModel, noRefitPhase, noRefitFitSeconds, 'no refit');

  let model: Recommender;
  let testPhase: EvalPhase;
  let test: TestColumn;
  if (refit) {
    // Let go of the validation model first: two neural models need not be in memory at once.
    validationModel = undefined;
    let trainSeconds: number;
    [model, trainSeconds] = await fitAndLog(split.test, 'refit on train + validation');
    testPhase = split.test;
    test = rankTest(model, testPhase, trainSeconds, 'refit');
  } else {
    [model, testPhase, test] = [validationModel, noRefitPhase, noRefit];
  }
  const extras =
    (await model.report?.(testPhase, { random: new Random(seed), numItems: split.numItems })) ?? {};

  const report: EvaluationReport = {
    dataset: options.dataset,
    model: spec.name,
    users: test.users,
    metrics: test.metrics,
    ci95: test.ci95,
    trainSeconds: test.trainSeconds,
    evalSeconds: test.evalSeconds,
    tuneSeconds,
    params,
    protocol: {
      split: split.protocol,
      description: split.description,
      fitPolicy: refit
        ? 'hyperparameters chosen on validation (fit on train); test model refit on train + validation (noRefit: the validation model on the test)'
        : 'hyperparameters chosen on validation (fit on train); test scored by that same model (no refit)',
      ranking: "full catalogue; items in the user's history are excluded from the ranking",
      selectBy,
    },
    validation: { users: best?.result.users ?? 0, metrics: best?.result.metrics ?? {} },
    search: trials,
    coldUsers: test.coldUsers,
    noRefit,
    seed,
    peakRssMB: peakRssMegabytes(),
  };
  for (const [key, value] of Object.entries(extras)) if (!(key in report)) report[key] = value;
  return report;
}

/** The process's peak resident set size so far, in MB. */
export function peakRssMegabytes(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function trainingData(split: EvalSplit, phase: EvalPhase): TrainingData {
  return { numUsers: split.numUsers, numItems: split.numItems, sequences: phase.fit };
}

/** ` key=value ...` of the params that differ from `from` (those a search or a validation fit chose), or ''. */
function changed(params: Params, from: Params): string {
  const entries = Object.entries(params).filter(([key, value]) => from[key] !== value);
  return entries.length === 0 ? '' : ` ${formatParams(Object.fromEntries(entries))}`;
}

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

export function formatParams(params: Params): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}
