import { Command, InvalidArgumentError, Option } from 'commander';
import { itemKnnSpec } from '../../baselines/index.js';
import { InvalidInputError, Random, silentLogger, silentProgress } from '../../core/index.js';
import { loadDataset, type ReadReport } from '../../data/index.js';
import {
  alignEcpo,
  alignGenerative,
  GenerativeRecommender,
  loadModelDirectory,
  type SessionReward,
  saveModelDirectory,
} from '../../generative/index.js';
import type { CliIo } from '../cli-io.js';
import { withDataOptions } from '../data-options.js';
import { reportSkipped } from '../evaluate.js';
import { packageVersion } from '../package-paths.js';
import { parseInteger } from '../parse-flags.js';
import { terminalProgress } from '../terminal-progress.js';
import { fitSequences } from '../training-data.js';

/** dpo: best vs worst of beam-searched sessions (OneRec IPA); ecpo: early-clipped GRPO on sampled groups (OneRec report). */
export const alignMethods = ['dpo', 'ecpo'] as const;

/** Rewards computable from a data set alone, until a learned reward model is wired in. */
export const alignRewards = ['itemknn', 'popularity'] as const;

const parseNumber = (value: string): number => {
  const number = Number(value);
  if (!Number.isFinite(number)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return number;
};

/**
 * The stand-in rewards of `genfeed align`, from the data's sequences: `itemknn`
 * sums an item-kNN teacher's scores of the session's items after the history,
 * `popularity` averages log(1 + interactions) of the session's items.
 */
function rewardOf(name: string, sequences: Int32Array[], numItems: number): SessionReward {
  if (name === 'popularity') {
    const counts = new Float64Array(numItems);
    for (const sequence of sequences) for (const item of sequence) counts[item]!++;
    return (_user, _history, session) =>
      session.reduce((sum, item) => sum + Math.log1p(counts[item]!), 0) / Math.max(1, session.length);
  }
  const teacher = itemKnnSpec.create(itemKnnSpec.defaults);
  teacher.fit(
    { numUsers: sequences.length, numItems, sequences },
    { random: new Random(0), logger: silentLogger, progress: silentProgress },
  );
  const scores = new Float32Array(numItems);
  return (user, history, session) => {
    teacher.score(user, history, scores);
    return session.reduce((sum, item) => sum + scores[item]!, 0);
  };
}

export function alignCommand(io: CliIo): Command {
  const command = new Command('align')
    .description(
      'Align a generative model directory under a session reward: DPO (OneRec IPA, best vs worst of N beam-searched sessions per user) or ECPO (early-clipped GRPO on N sampled sessions per user)',
    )
    .requiredOption('--model-dir <dir>', 'generative model directory (genfeed train generative --out)')
    .requiredOption('--data <path>', 'data set whose users (histories) are aligned on')
    .requiredOption('--out <dir>', 'model directory to write the aligned model to');
  return withDataOptions(command)
    .addOption(new Option('--method <name>', 'alignment method').choices(alignMethods).default('dpo'))
    .addOption(new Option('--reward <name>', 'session reward').choices(alignRewards).default('itemknn'))
    .option('--users <n>', 'users sampled for candidate sessions', parseInteger, 500)
    .option(
      '--candidates <n>',
      'candidate (dpo) or sampled trie-constrained (ecpo) sessions per user (N)',
      parseInteger,
      32,
    )
    .option('--session-length <n>', 'items per session (n)', parseInteger, 5)
    .option('--beta <x>', 'DPO temperature', parseNumber, 0.1)
    .option('--lr <x>', 'learning rate', parseNumber, 3e-5)
    .option('--epochs <n>', 'passes over the pairs (dpo), steps per batch of groups (ecpo)', parseInteger, 2)
    .option('--unconstrained <n>', 'ecpo: unconstrained sessions per user (format reward)', parseInteger, 2)
    .option('--temperature <x>', 'ecpo: sampling temperature', parseNumber, 1)
    .option('--kl-weight <x>', 'ecpo: weight of the KL penalty to the unaligned model', parseNumber, 0.05)
    .option(
      '--next-token-weight <x>',
      "weight of the model's own next-token loss (regulariser)",
      parseNumber,
      0,
    )
    .option('--seed <n>', 'random seed', parseInteger, 42)
    .action(async (flags) => {
      const saved = await loadModelDirectory(flags.modelDir);
      const recommender = saved.recommender;
      if (!(recommender instanceof GenerativeRecommender))
        throw new InvalidInputError(
          `Cannot align ${flags.modelDir}: it holds a ${saved.manifest.model} model, not a generative one`,
        );
      const reports: ReadReport[] = [];
      const dataset = await loadDataset(flags.data, {
        ...(flags.format && { format: flags.format }),
        ...(flags.kuairecMatrix && { kuairecMatrix: flags.kuairecMatrix }),
        skipBadRows: Boolean(flags.skipBadRows),
        reports,
      });
      reportSkipped(reports, io);
      // The data set's item indices -> the model's (items the model does not know are dropped).
      const modelIndex = saved.indicesOf(dataset.interactions.items.ids());
      const sequences = fitSequences(dataset, 'all').map((sequence) =>
        Int32Array.from(Array.from(sequence, (item) => modelIndex[item]!).filter((item) => item >= 0)),
      );
      const numItems = saved.itemIds.length;
      const random = new Random(flags.seed);
      const users = random
        .shuffle(Array.from(sequences.keys()).filter((user) => sequences[user]!.length > 0))
        .slice(0, flags.users)
        .map((user) => ({ user, history: sequences[user]! }));
      if (users.length === 0)
        throw new InvalidInputError(`${flags.data}: no user has an item the model knows`);
      io.logger.info(
        `aligning ${flags.modelDir} on ${users.length} users of ${dataset.name}, ${flags.candidates} sessions of ${flags.sessionLength} each, reward ${flags.reward}`,
      );
      const reward = rewardOf(flags.reward, sequences, numItems);
      const progress = terminalProgress(io.interactive);
      let summary: string;
      let alignCount: number;
      let seconds: number;
      if (flags.method === 'ecpo') {
        const result = await alignEcpo(recommender, users, reward, {
          random,
          progress,
          groupSize: flags.candidates,
          unconstrained: flags.unconstrained,
          temperature: flags.temperature,
          sessionLength: flags.sessionLength,
          lr: flags.lr,
          epochs: flags.epochs,
          klWeight: flags.klWeight,
          nextTokenWeight: flags.nextTokenWeight,
        });
        alignCount = result.groups;
        seconds = result.seconds;
        summary = `${result.groups} groups (${result.skipped} users skipped); sampled reward ${result.firstReward.toFixed(4)} (first quarter of steps) -> ${result.lastReward.toFixed(4)} (last quarter); unconstrained samples malformed ${(100 * result.malformed).toFixed(1)}%; ${result.seconds.toFixed(1)} s`;
      } else {
        const result = await alignGenerative(recommender, users, reward, {
          random,
          progress,
          candidates: flags.candidates,
          sessionLength: flags.sessionLength,
          beta: flags.beta,
          lr: flags.lr,
          epochs: flags.epochs,
          nextTokenWeight: flags.nextTokenWeight,
        });
        const last = result.history.at(-1);
        alignCount = result.pairs;
        seconds = result.seconds;
        summary = `${result.pairs} pairs (${result.skipped} users skipped); reward chosen ${result.chosenReward.toFixed(4)}, rejected ${result.rejectedReward.toFixed(4)}, all candidates ${result.candidateReward.toFixed(4)}; final DPO loss ${last?.loss.toFixed(4)}, pair accuracy ${last?.accuracy.toFixed(3)}; ${result.seconds.toFixed(1)} s`;
      }
      const manifest = saved.manifest;
      await saveModelDirectory(flags.out, recommender, {
        model: manifest.model,
        params: {
          ...manifest.params,
          alignUsers: users.length,
          alignPairs: alignCount,
          alignCandidates: flags.candidates,
          alignSessionLength: flags.sessionLength,
          alignBeta: flags.beta,
          alignLr: flags.lr,
          alignEpochs: flags.epochs,
          alignNextTokenWeight: flags.nextTokenWeight,
          ...(flags.method === 'ecpo' && {
            alignUnconstrained: flags.unconstrained,
            alignTemperature: flags.temperature,
            alignKlWeight: flags.klWeight,
          }),
        },
        dataset: manifest.dataset,
        fitOn: `${manifest.fitOn}, aligned (${flags.method === 'ecpo' ? 'ecpo, ' : ''}${flags.reward})`,
        itemIds: saved.itemIds,
        seed: flags.seed,
        trainSeconds: manifest.trainSeconds + seconds,
        genfeedVersion: packageVersion(),
        ...(manifest.trainingCurve !== undefined && { trainingCurve: manifest.trainingCurve }),
      });
      io.out(`wrote ${flags.out}: ${summary}`);
    });
}
