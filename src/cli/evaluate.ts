import type { Progress } from '../core/index.js';
import {
  type DataFormat,
  type Dataset,
  type KuaiRecMatrix,
  loadDataset,
  type ReadReport,
} from '../data/index.js';
import {
  type EvalSplit,
  type EvaluationReport,
  type Params,
  type RecommenderSpec,
  runEvaluation,
  type SplitProtocol,
  splitDataset,
} from '../eval/index.js';
import type { CliIo } from './cli-io.js';
import type { EvalConfig } from './eval-config.js';
import { terminalProgress } from './terminal-progress.js';

export interface LoadSplitOptions {
  format?: DataFormat | undefined;
  protocol?: SplitProtocol | undefined;
  skipBadRows?: boolean | undefined;
  kuairecMatrix?: KuaiRecMatrix | undefined;
  validationFraction?: number | undefined;
  testFraction?: number | undefined;
}

/** Loads a data set, reports skipped rows, and splits it for evaluation. */
export async function loadSplit(
  path: string,
  options: LoadSplitOptions,
  io: CliIo,
): Promise<{ dataset: Dataset; split: EvalSplit }> {
  const reports: ReadReport[] = [];
  const started = performance.now();
  const dataset = await loadDataset(path, {
    ...(options.format && { format: options.format }),
    ...(options.kuairecMatrix && { kuairecMatrix: options.kuairecMatrix }),
    skipBadRows: options.skipBadRows ?? false,
    reports,
  });
  const table = dataset.interactions;
  io.logger.info(
    `loaded ${dataset.name} (${dataset.format}): ${table.users.size} users, ${table.items.size} items, ${table.length} interactions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  reportSkipped(reports, io);
  const split = splitDataset(dataset, {
    ...(options.protocol && { protocol: options.protocol }),
    ...(options.validationFraction && { validationFraction: options.validationFraction }),
    ...(options.testFraction && { testFraction: options.testFraction }),
  });
  io.logger.info(`split: ${split.protocol} (${split.description})`);
  return { dataset, split };
}

export function reportSkipped(reports: readonly ReadReport[], io: CliIo): void {
  for (const report of reports) {
    if (report.skipped === 0) continue;
    io.logger.warn(
      `skipped ${report.skipped} bad row(s) of ${report.file} (${report.rows} read); first ones:`,
    );
    for (const message of report.errors) io.logger.warn(`  ${message}`);
  }
}

export async function evaluateModel(
  spec: RecommenderSpec<Params>,
  split: EvalSplit,
  options: { dataset: string; seed: number; refit: boolean; config?: EvalConfig | undefined },
  io: CliIo,
): Promise<EvaluationReport> {
  const progress: Progress = terminalProgress(io.interactive);
  const config = options.config ?? {};
  return runEvaluation(spec, split, {
    dataset: options.dataset,
    seed: options.seed,
    refit: options.refit,
    logger: io.logger,
    progress,
    ...(config.params && { params: config.params }),
    ...(config.search && { search: config.search }),
    ...(config.selectBy && { selectBy: config.selectBy }),
    ...(config.ks && { ks: config.ks }),
  });
}
