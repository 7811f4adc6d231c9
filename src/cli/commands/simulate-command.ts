import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { itemKnnSpec, markovSpec, popularitySpec } from '../../baselines/index.js';
import { InvalidInputError } from '../../core/index.js';
import { generativeSpec, sasrecSpec } from '../../generative/index.js';
import { fusionArchitectures } from '../../reward/index.js';
import {
  calibratedEnvironment,
  calibrationJson,
  calibrationReport,
  deriveSummary,
  type Environment,
  findPolicy,
  formatAbTest,
  formatCalibration,
  formatValidity,
  KuaiRandLogWriter,
  measureCalibration,
  playgroundWorld,
  policyNames,
  randomScoresSpec,
  readSummary,
  realWorld,
  rewardPolicyDesign,
  runAbTest,
  shippedSummary,
  type ValidityModel,
  validityCheck,
  type World,
  withSatisfactionWorld,
} from '../../simulate/index.js';
import type { CliIo } from '../cli-io.js';
import { packageRoot } from '../package-paths.js';
import { parseInteger } from '../parse-flags.js';
import { terminalProgress } from '../terminal-progress.js';
import { parseWorldStrength, worldStrengthHelp } from '../world-strength-flag.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function simulateCommand(io: CliIo): Command {
  return new Command('simulate')
    .description(
      'Simulate users watching a vertical feed (calibrated on KuaiRand/KuaiRec) and A/B-test feed policies on disjoint user buckets',
    )
    .addOption(
      new Option('--mode <mode>', 'world: generated from summary figures, or built from the data files')
        .choices(['playground', 'real'])
        .default('playground'),
    )
    .option(
      '--data <dir>',
      'folder with the KuaiRec / KuaiRand files (real mode, --write-summary)',
      resolve(packageRoot, '../shared/data'),
    )
    .option('--summary <file>', 'playground summary JSON (default: the one shipped in src/simulate)')
    .option('--users <n>', 'users taking part', parseInteger, 2000)
    .option('--items <n>', 'playground catalogue size', parseInteger, 5000)
    .option('--days <n>', 'simulated test days', parseInteger, 7)
    .option(
      '--seeds <n>',
      'replicates (bucket shuffles and behaviour seeds) for the 95% intervals',
      parseInteger,
      3,
    )
    .option('--seed <n>', 'random seed of the world and the run', parseInteger, 42)
    .option('--world-strength <s>', worldStrengthHelp)
    .option(
      '--warmup-days <n>',
      'days of random exposure the policies learn from (default: 3 in the playground, 0 in real mode)',
      parseInteger,
    )
    .option(
      '--policy <name>',
      `a policy to test, repeatable; the first is the control (${policyNames().join(', ')})`,
      collect,
      [],
    )
    .addOption(
      new Option(
        '--reward-fusion <name>',
        'fusion of the reward model behind fixed-formula, tuned-formula, learned-reward and the aligned generators (docs/reward.md; mlp: the runs before issue 19)',
      )
        .choices(fusionArchitectures)
        .default(rewardPolicyDesign.architecture),
    )
    .option('--calibration', 'print the calibration table and co-occurrence check')
    .option('--json <out.json>', 'write calibration, policies and comparisons as JSON')
    .option('--log <out.csv>', 'write the impressions of the first replicate in the KuaiRand log schema')
    .option('--validity', 'real mode: rank models by real KuaiRec Recall@10 and by simulated satisfaction')
    .option(
      '--validity-generative-epochs <n>',
      'with --validity: also the generative model (d 64, codebooks of 64), trained this many epochs (0: left out)',
      parseInteger,
      0,
    )
    .option(
      '--validity-sasrec-epochs <n>',
      'with --validity: also SASRec, trained this many epochs (0: left out)',
      parseInteger,
      0,
    )
    .option(
      '--write-summary <out.json>',
      'derive the playground summary from --data and write it (aggregates only)',
    )
    .action(async (flags) => {
      for (const name of ['users', 'days', 'seeds'] as const) {
        if (!(flags[name] >= 1))
          throw new InvalidInputError(`--${name} must be at least 1, got ${flags[name]}`);
      }
      if (!(flags.items >= 100))
        throw new InvalidInputError(`--items must be at least 100, got ${flags.items}`);
      const worldStrength = parseWorldStrength(flags.worldStrength);
      const progress = terminalProgress(io.interactive);
      if (flags.writeSummary) {
        const summary = await deriveSummary(flags.data, { seed: flags.seed, logger: io.logger });
        writeFileSync(flags.writeSummary, `${JSON.stringify(summary, null, 2)}\n`);
        io.logger.info(`wrote ${flags.writeSummary}`);
        return;
      }
      const summary = flags.summary ? readSummary(flags.summary) : shippedSummary();
      const started = performance.now();
      const real =
        flags.mode === 'real' || flags.validity
          ? await realWorld(flags.data, { seed: flags.seed, fallback: summary, logger: io.logger })
          : undefined;
      const baseWorld: World =
        real?.world ?? playgroundWorld(summary, { users: flags.users, items: flags.items, seed: flags.seed });
      const world =
        worldStrength === undefined
          ? baseWorld
          : withSatisfactionWorld(baseWorld, { strength: worldStrength, seed: flags.seed });
      io.logger.info(
        `${world.mode} world: ${world.population.size} users, ${world.catalogue.size} videos, ${world.catalogue.authorIds.length} authors (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
      const environment: Environment = await calibratedEnvironment(world, {
        seed: flags.seed,
        logger: io.logger,
        progress,
      });
      const json: Record<string, unknown> = { mode: world.mode, seed: flags.seed };
      if (world.departures) json.world = { strength: worldStrength, strengths: world.departures.strengths };
      if (flags.calibration || flags.json) {
        const report = calibrationReport(
          await measureCalibration(environment, { seed: flags.seed, progress }),
          world.targets,
        );
        json.calibration = calibrationJson(report);
        json.calibrationMaxRelError = Math.max(
          ...[...report.rates, ...report.cooccurrence].map((row) => Math.abs(row.relativeError)),
        );
        if (flags.calibration) io.out(formatCalibration(report));
      }
      if (flags.validity) {
        const models: ValidityModel[] = [randomScoresSpec, popularitySpec, itemKnnSpec, markovSpec].map(
          (spec) => ({ spec }),
        );
        if (flags.validitySasrecEpochs > 0) {
          models.push({ spec: sasrecSpec, params: { epochs: flags.validitySasrecEpochs, dim: 32 } });
        }
        if (flags.validityGenerativeEpochs > 0) {
          const epochs = flags.validityGenerativeEpochs;
          models.push({
            spec: generativeSpec,
            params: { epochs, decayEpochs: epochs, dim: 64, heads: 2, codebookSize: 64 },
          });
        }
        const report = await validityCheck(environment, real!.sources.kuairec, {
          models,
          days: flags.days,
          seeds: flags.seeds,
          seed: flags.seed,
          logger: io.logger,
        });
        io.out(formatValidity(report));
        json.validity = report;
      }
      const wantsPolicies = flags.policy.length > 0 || (!flags.calibration && !flags.validity);
      if (wantsPolicies) {
        const names: string[] = flags.policy.length > 0 ? flags.policy : ['pop', 'itemknn', 'random'];
        const policies = names.map(findPolicy);
        let fans: { links: number; authorsWithFans: number } | undefined;
        const log = flags.log
          ? new KuaiRandLogWriter(world, flags.log, (impression) => names[impression.bucket] === 'random')
          : undefined;
        const report = await runAbTest(environment, {
          policies,
          days: flags.days,
          users: flags.users,
          seeds: flags.seeds,
          seed: flags.seed,
          ...(flags.warmupDays !== undefined && { warmupDays: flags.warmupDays }),
          rewardFusion: flags.rewardFusion,
          logger: io.logger,
          progress,
          ...(log && { log }),
          onReplicateEnd: (replicate, state) => {
            if (replicate === 0)
              fans = { links: state.fans.links, authorsWithFans: state.fans.authors().length };
          },
        });
        log?.close();
        if (log) io.logger.info(`wrote ${log.rows} impressions to ${flags.log}`);
        io.out(formatAbTest(report));
        json.policies = report.policies;
        json.comparisons = report.comparisons;
        json.run = {
          days: report.days,
          users: report.users,
          seeds: report.seeds,
          warmupDays: report.warmupDays,
          impressions: report.impressions,
          seconds: report.seconds,
          // Creator-fan links made by follows in the first replicate.
          fans,
        };
      }
      if (flags.json) {
        writeFileSync(flags.json, `${JSON.stringify(json, null, 2)}\n`);
        io.logger.info(`wrote ${flags.json}`);
      }
    });
}
