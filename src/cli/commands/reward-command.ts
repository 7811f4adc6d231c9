import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { InvalidInputError, type Progress } from '../../core/index.js';
import { IdIndex } from '../../data/index.js';
import {
  batchOfLog,
  type FusionArchitecture,
  fusionArchitectures,
  type ItemSide,
  itemSideOfDurations,
  loadRewardModel,
  type ReadImpressionLog,
  readImpressionLog,
  type SignalQuality,
  saveRewardModel,
  signalQuality,
  splitLastDay,
  trainReward,
} from '../../reward/index.js';
import {
  calibratedEnvironment,
  type Environment,
  playgroundWorld,
  rewardReport,
  shippedSummary,
  tuneFormulaWeights,
  withSatisfactionWorld,
} from '../../simulate/index.js';
import type { CliIo } from '../cli-io.js';
import { parseInteger } from '../parse-flags.js';
import { terminalProgress } from '../terminal-progress.js';
import { parseWorldStrength, worldStrengthHelp } from '../world-strength-flag.js';

const MODEL_FILE = 'reward-model.safetensors';
const ITEMS_FILE = 'items.json';

/** `genfeed reward train | eval | report`: the learned satisfaction model (docs/reward.md). */
export function rewardCommand(io: CliIo): Command {
  const command = new Command('reward').description(
    'Train and evaluate the reward model: per-signal heads and the learned (EMER-style) fusion',
  );
  command
    .command('train')
    .description(
      'train on a KuaiRand log (all days but the last), report AUC/GAUC on the last day, save the model',
    )
    .requiredOption(
      '--log <file.csv>',
      'impressions in the KuaiRand log schema (e.g. genfeed simulate --log)',
    )
    .requiredOption('--out <dir>', 'model directory to write')
    .option('--epochs <n>', 'training epochs', parseInteger, 3)
    .option('--seed <n>', 'random seed', parseInteger, 42)
    .addOption(architectureOption())
    .action(
      async (flags: {
        log: string;
        out: string;
        epochs: number;
        seed: number;
        architecture: FusionArchitecture;
      }) => {
        const read = await readImpressionLog(flags.log);
        const side = sideOfLog(read);
        const { train, test } = splitLastDay(read.log);
        io.logger.info(`${train.size} training and ${test.size} held-out impressions (last day)`);
        const { model } = trainReward(train, side, {
          epochs: flags.epochs,
          seed: flags.seed,
          architecture: flags.architecture,
          logger: io.logger,
          progress: terminalProgress(io.interactive),
        });
        mkdirSync(flags.out, { recursive: true });
        await saveRewardModel(model, join(flags.out, MODEL_FILE));
        const items = { ids: read.items.ids(), durationMs: Array.from(side.durationMs) };
        writeFileSync(join(flags.out, ITEMS_FILE), `${JSON.stringify(items)}\n`);
        io.logger.info(`wrote ${flags.out}`);
        io.out(formatSignals(signalQuality(model, test, batchOfLog(test, model.config.historyLength), side)));
      },
    );
  command
    .command('eval')
    .description('per-signal AUC and GAUC of a saved model on a KuaiRand log')
    .requiredOption('--log <file.csv>', 'impressions in the KuaiRand log schema')
    .requiredOption('--model <dir>', 'directory written by reward train')
    .action(async (flags: { log: string; model: string }) => {
      const model = await loadRewardModel(join(flags.model, MODEL_FILE));
      const { items, side } = readItems(join(flags.model, ITEMS_FILE));
      const { log } = await readImpressionLog(flags.log, { items });
      io.out(formatSignals(signalQuality(model, log, batchOfLog(log, model.config.historyLength), side)));
    });
  command
    .command('report')
    .description(
      'offline report in the playground: AUC/GAUC, and NDCG of the fusion vs the fixed formula against hidden satisfaction',
    )
    .option('--users <n>', 'playground users', parseInteger, 2000)
    .option('--days <n>', 'days of random exposure logged (the last held out)', parseInteger, 4)
    .option('--epochs <n>', 'training epochs', parseInteger, 3)
    .option('--seed <n>', 'random seed', parseInteger, 42)
    .option('--world-strength <s>', worldStrengthHelp)
    .addOption(architectureOption())
    .option('--json <out.json>', 'write the report as JSON')
    .action(async (flags: ReportFlags) => {
      const progress = terminalProgress(io.interactive);
      const environment = await playgroundEnvironment(io, progress, {
        users: flags.users,
        seed: flags.seed,
        strength: parseWorldStrength(flags.worldStrength),
      });
      const report = await rewardReport(environment, {
        days: flags.days,
        epochs: flags.epochs,
        architecture: flags.architecture,
        seed: flags.seed,
        logger: io.logger,
        progress,
      });
      io.out(formatSignals(report.signals));
      io.out('');
      io.out('| NDCG against hidden satisfaction | requests | fused | formula | random order |');
      io.out('| --- | ---: | ---: | ---: | ---: |');
      for (const [name, row] of [
        ['logged pages (held-out day)', report.loggedPages],
        [
          `recall candidates (${Math.round(report.candidateSets.candidatesPerRequest)} per request)`,
          report.candidateSets,
        ],
      ] as const) {
        io.out(
          `| ${name} | ${row.requests} | ${row.fused.toFixed(4)} | ${row.formula.toFixed(4)} | ${row.random.toFixed(4)} |`,
        );
      }
      if (flags.json) {
        writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
        io.logger.info(`wrote ${flags.json}`);
      }
    });
  command
    .command('tune-formula')
    .description(
      "search the formula's nine weights on a tuning world (seed 7 by default, never the evaluation's) by stay time, as pre-registered in docs/simulate.md",
    )
    .option('--world-strength <s>', worldStrengthHelp, '0')
    .option('--users <n>', 'tuning world users (all take part)', parseInteger, 1000)
    .option('--items <n>', 'tuning world videos', parseInteger, 5000)
    .option('--seed <n>', 'tuning world and search seed', parseInteger, 7)
    .option('--candidates <n>', 'random weight vectors besides the hand-set ones', parseInteger, 24)
    .option('--seeds <n>', 'replicate seeds per candidate', parseInteger, 2)
    .option('--finalists <n>', 'best candidates re-scored on as many new seeds', parseInteger, 3)
    .option('--warmup-days <n>', 'days of random exposure before the test days', parseInteger, 3)
    .option('--days <n>', 'test days each candidate is scored on', parseInteger, 3)
    .option('--json <out.json>', 'write every candidate and the winner as JSON')
    .action(async (flags: TuneFlags) => {
      const strength = parseWorldStrength(flags.worldStrength) ?? 0;
      for (const name of ['users', 'candidates', 'seeds', 'finalists', 'warmupDays', 'days'] as const) {
        if (!(flags[name] >= 1))
          throw new InvalidInputError(`--${kebab(name)} must be at least 1, got ${flags[name]}`);
      }
      const progress = terminalProgress(io.interactive);
      const environment = await playgroundEnvironment(io, progress, {
        users: flags.users,
        items: flags.items,
        seed: flags.seed,
        strength,
      });
      const tuned = await tuneFormulaWeights(environment, {
        candidates: flags.candidates,
        seeds: flags.seeds,
        finalists: flags.finalists,
        users: flags.users,
        warmupDays: flags.warmupDays,
        days: flags.days,
        seed: flags.seed,
        logger: io.logger,
      });
      const heads = Object.keys(tuned.best.weights);
      io.out(`| candidate | stay s / user-day | seeds | ${heads.join(' | ')} |`);
      io.out(`| --- | ---: | ---: | ${heads.map(() => '---:').join(' | ')} |`);
      for (const [index, candidate] of tuned.candidates.entries()) {
        const label = `${index === 0 ? 'hand-set' : index}${candidate === tuned.best ? ' (best)' : ''}`;
        const weights = Object.values(candidate.weights).map((weight) => weight.toPrecision(3));
        io.out(
          `| ${label} | ${candidate.meanStayTime.toFixed(1)} | ${candidate.stayTime.length} | ${weights.join(' | ')} |`,
        );
      }
      if (flags.json) {
        const command = `genfeed reward tune-formula --world-strength ${strength} --users ${flags.users} --seed ${flags.seed}`;
        writeFileSync(flags.json, `${JSON.stringify({ strength, command, ...tuned }, null, 2)}\n`);
        io.logger.info(`wrote ${flags.json}`);
      }
    });
  return command;
}

interface TuneFlags {
  worldStrength: string;
  users: number;
  items: number;
  seed: number;
  candidates: number;
  seeds: number;
  finalists: number;
  warmupDays: number;
  days: number;
  json?: string;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

interface ReportFlags {
  users: number;
  days: number;
  epochs: number;
  seed: number;
  worldStrength?: string;
  /** One of `fusionArchitectures` (commander checks the choice). */
  architecture: FusionArchitecture;
  json?: string;
}

/** `--architecture`: the fusion over the heads (docs/reward.md). */
function architectureOption(): Option {
  return new Option(
    '--architecture <name>',
    'fusion over the heads: an MLP per item, or a set transformer per request',
  )
    .choices(fusionArchitectures)
    .default('mlp');
}

/** A calibrated playground, turned into the satisfaction world when a strength is given. */
function playgroundEnvironment(
  io: CliIo,
  progress: Progress,
  options: { users: number; items?: number; seed: number; strength: number | undefined },
): Promise<Environment> {
  const { users, items, seed, strength } = options;
  const playground = playgroundWorld(shippedSummary(), {
    users,
    ...(items !== undefined && { items }),
    seed,
  });
  const world = strength === undefined ? playground : withSatisfactionWorld(playground, { strength, seed });
  return calibratedEnvironment(world, { seed, logger: io.logger, progress });
}

function sideOfLog(read: ReadImpressionLog): ItemSide {
  return itemSideOfDurations(read.items.size, read.log.item, read.log.durationMs);
}

function readItems(path: string): { items: IdIndex; side: ItemSide } {
  let parsed: { ids?: unknown; durationMs?: unknown };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const { ids, durationMs } = parsed;
  if (!Array.isArray(ids) || !Array.isArray(durationMs) || ids.length !== durationMs.length) {
    throw new InvalidInputError(
      `Cannot read ${path}: expected { ids: string[], durationMs: number[] } of equal length`,
    );
  }
  const items = new IdIndex();
  for (const id of ids) items.intern(String(id));
  const side = itemSideOfDurations(items.size, new Int32Array(0), new Float32Array(0));
  side.durationMs.set(durationMs.map(Number));
  return { items, side };
}

function formatSignals(rows: readonly SignalQuality[]): string {
  const lines = ['| signal | positives | AUC | GAUC |', '| --- | ---: | ---: | ---: |'];
  for (const row of rows) {
    lines.push(`| ${row.signal} | ${row.positives} | ${row.auc.toFixed(4)} | ${row.gauc.toFixed(4)} |`);
  }
  return lines.join('\n');
}
