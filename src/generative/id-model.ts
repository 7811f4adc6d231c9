import { MarkovKnn, markovSpec, Popularity } from '../baselines/index.js';
import { InvalidInputError } from '../core/index.js';
import { type FitContext, parseParams, type TrainingData } from '../eval/index.js';
import { loadMarkov, loadPopularity, saveMarkov, savePopularity } from './baseline-checkpoint.js';
import { LearnedIdModel, learnedParamsSchema } from './learned-id-model.js';
import { SasRecRecommender, sasrecSpec } from './sasrec-spec.js';

/** The ID models a generative model can be combined with per request (`idModel`). */
export const ID_MODELS = ['none', 'sasrec', 'markov', 'pop', 'learned'] as const;
export type IdModelName = (typeof ID_MODELS)[number];

/**
 * An ID model beside the generative one (arXiv 2603.19809: the generative
 * model wins where the next item needs generalisation, an ID model where it
 * needs memorisation): its log-scores over the catalogue are the head of the
 * generative model's candidate ranking.
 */
export interface IdModel {
  readonly name: Exclude<IdModelName, 'none'>;
  /** Items it scores: indices 0..covered-1 (items added later are not among them). */
  readonly covered: number;
  /**
   * The log-scores of every covered item as the next after `history` (items it
   * does not know are left out of it), up to a constant per call: SASRec's
   * logits; a baseline's log(score), its scores read as unnormalised probabilities.
   */
  logScores(history: Int32Array, out: Float32Array): void;
  save(path: string): Promise<void>;
}

/** Baseline scores below this count as this (log 0 is -Infinity, which no mix weight can rank). */
const SCORE_FLOOR = 1e-9;

/**
 * The ID model `name` fitted on the generative model's fit sequences with
 * `params` (its own, prefix removed), for exactly its configured budget: no
 * early stopping on the validation phase, so a refit trains it the same way.
 */
export async function fitIdModel(
  name: Exclude<IdModelName, 'none'>,
  params: Readonly<Record<string, unknown>>,
  data: TrainingData,
  context: FitContext,
): Promise<IdModel> {
  const source = 'generative params';
  if (name === 'sasrec') {
    const sasrec = new SasRecRecommender(parseParams(sasrecSpec, params, { source, path: 'sasrec' }));
    const { validation: _, ...withoutValidation } = context;
    await sasrec.fit(data, { ...withoutValidation, random: context.random.fork() });
    return sasrecIdModel(sasrec);
  }
  if (name === 'learned') {
    const parsed = learnedParamsSchema.safeParse(params);
    if (!parsed.success)
      throw new InvalidInputError(
        `Invalid ${source}: field "learned.${parsed.error.issues[0]!.path.join('.')}": ${parsed.error.issues[0]!.message}`,
      );
    const learned = LearnedIdModel.fit(data, parsed.data, context.random.fork());
    const weights = learned.columns.map((column, c) => `${column} ${learned.weights[c]!.toFixed(3)}`);
    context.logger.info(`generative: learned ID model weights: ${weights.join(', ')}`);
    return learned;
  }
  if (name === 'markov') {
    const markov = new MarkovKnn(parseParams(markovSpec, params, { source, path: 'markov' }));
    markov.fit(data);
    return baselineIdModel('markov', markov);
  }
  const popularity = new Popularity();
  popularity.fit(data);
  return baselineIdModel('pop', popularity);
}

/** Reads what `IdModel.save` wrote for `name`. */
export async function loadIdModel(name: Exclude<IdModelName, 'none'>, path: string): Promise<IdModel> {
  if (name === 'sasrec') return sasrecIdModel(await SasRecRecommender.load(path));
  if (name === 'learned') return LearnedIdModel.load(path);
  if (name === 'markov') return baselineIdModel('markov', await loadMarkov(path));
  return baselineIdModel('pop', await loadPopularity(path));
}

function sasrecIdModel(sasrec: SasRecRecommender): IdModel {
  const covered = sasrec.model.config.numItems;
  return {
    name: 'sasrec',
    covered,
    logScores(history, out) {
      const known = history.filter((item) => item < covered);
      // No history it knows: no preference.
      if (known.length === 0) out.fill(0);
      else sasrec.scoreBatch([known], out);
    },
    save: (path) => sasrec.save(path),
  };
}

function baselineIdModel(
  name: 'markov' | 'pop',
  baseline: (MarkovKnn | Popularity) & { readonly numItems: number },
): IdModel {
  const covered = baseline.numItems;
  return {
    name,
    covered,
    logScores(history, out) {
      baseline.score(
        0,
        history.filter((item) => item < covered),
        out,
      );
      for (let item = 0; item < out.length; item++) out[item] = Math.log(Math.max(out[item]!, SCORE_FLOOR));
    },
    save: (path) =>
      baseline instanceof MarkovKnn ? saveMarkov(path, baseline) : savePopularity(path, baseline),
  };
}
