import { type Progress, type Random, silentProgress } from '../core/index.js';
import { add, mul, noGrad, tidy } from '../tensor/index.js';
import { train } from '../training/index.js';
import { dpoLoss } from './dpo-loss.js';
import { frozenCopy } from './frozen-copy.js';
import type { GenerativeRecommender } from './generative-spec.js';
import { LazyDecoder } from './lazy-decoder.js';
import { candidateSessions } from './session-candidates.js';
import { type SessionRow, sessionContext, sessionLogProbs } from './session-log-prob.js';

/** What a session is worth to the user (higher is better): the reward model, or any stand-in. */
export type SessionReward = (user: number, history: Int32Array, session: Int32Array) => number;

/** A user to generate candidate sessions for: index and history (oldest first). */
export interface AlignmentUser {
  user: number;
  history: Int32Array;
}

export interface AlignmentOptions {
  random: Random;
  progress?: Progress;
  /** Candidate sessions beam-searched per user (N). Default 32. */
  candidates?: number;
  /** Items per session (n). Default 5. */
  sessionLength?: number;
  /** DPO temperature β. Default 0.1. */
  beta?: number;
  /** AdamW learning rate (constant). Default 3e-5 (1e-4 cost Beauty 12% of Recall@10: docs/generative.md). */
  lr?: number;
  /** Passes over the pairs of each round. Default 2. */
  epochs?: number;
  /** Pairs per optimizer step. Default 16. */
  batchSize?: number;
  /**
   * Weight of the model's own next-token loss over the aligned users'
   * histories, added to the DPO loss as a regulariser (OneRec mixes the
   * pre-training objective into alignment), so the model keeps predicting
   * what users really did. Default 0.
   */
  nextTokenWeight?: number;
  /**
   * Rounds of generate, score, train (iterative DPO: each round samples its
   * candidates from the current policy, always against the same reference).
   * Default 1.
   */
  rounds?: number;
  /** Pairs whose best and worst rewards differ by less are dropped. Default 1e-9. */
  minRewardGap?: number;
}

/** One preference pair: best and worst of a user's candidates, with the frozen reference's log-probabilities. */
export interface PreferencePair {
  user: number;
  history: Int32Array;
  chosen: Int32Array;
  rejected: Int32Array;
  chosenReward: number;
  rejectedReward: number;
  referenceChosen: number;
  referenceRejected: number;
}

export interface AlignmentEpoch {
  round: number;
  epoch: number;
  /** Mean DPO loss over the epoch's batches (log 2 = 0.693 at the start). */
  loss: number;
  /** Share of pairs whose margin was positive (before each step). */
  accuracy: number;
  /** Mean margin / β: the implicit reward gap (chosen minus rejected, against the reference). */
  margin: number;
}

export interface AlignmentResult {
  pairs: number;
  /** Users without a usable pair (fewer than 2 full sessions, or equal rewards). */
  skipped: number;
  /** Mean reward of the chosen and of the rejected sessions, and of all candidates (first round). */
  chosenReward: number;
  rejectedReward: number;
  candidateReward: number;
  history: AlignmentEpoch[];
  /** The frozen reference model π_ref (the policy before alignment). */
  reference: LazyDecoder;
  seconds: number;
}

/**
 * Preference alignment of a generative recommender (OneRec IPA, arXiv
 * 2502.18965 section 3.3): for every user, beam-search N candidate sessions,
 * score them with `reward`, keep the best as chosen and the worst as rejected,
 * then fine-tune the model in place with DPO (dpo-loss.ts) against a frozen
 * copy of itself. Generation stays trie-constrained, so every item of the
 * aligned model is still a real item. Lazy decoder only.
 */
export async function alignGenerative(
  recommender: GenerativeRecommender,
  users: readonly AlignmentUser[],
  reward: SessionReward,
  options: AlignmentOptions,
): Promise<AlignmentResult> {
  const started = performance.now();
  const model = recommender.model;
  if (!(model instanceof LazyDecoder))
    throw new RangeError(
      'alignGenerative: only the lazy decoder (architecture "lazy-decoder") can be aligned',
    );
  const progress = options.progress ?? silentProgress;
  const candidates = options.candidates ?? 32;
  const sessionLength = options.sessionLength ?? 5;
  const beta = options.beta ?? 0.1;
  const epochs = options.epochs ?? 2;
  const batchSize = options.batchSize ?? 16;
  const nextTokenWeight = options.nextTokenWeight ?? 0;
  const rounds = options.rounds ?? 1;
  const minRewardGap = options.minRewardGap ?? 1e-9;
  const itemTokens = itemTokensOf(recommender);
  const reference = frozenCopy(model);
  const history: AlignmentEpoch[] = [];
  let pairCount = 0;
  let skipped = 0;
  let rewards = { chosen: 0, rejected: 0, all: 0 };

  for (let round = 1; round <= rounds; round++) {
    model.eval();
    progress.start(`align round ${round}/${rounds}: candidates`, users.length);
    const pairs: PreferencePair[] = [];
    let sums = { chosen: 0, rejected: 0, all: 0, sessions: 0 };
    users.forEach(({ user, history: full }, done) => {
      const context = sessionContext(full, sessionLength, model.config.maxItems);
      const sessions = candidateSessions(recommender, context, {
        count: candidates,
        length: sessionLength,
        exclude: full,
      }).filter((session) => session.length === sessionLength);
      progress.update(done + 1);
      if (sessions.length < 2) {
        skipped++;
        return;
      }
      const scores = sessions.map((session) => reward(user, full, session));
      let best = 0;
      let worst = 0;
      scores.forEach((score, i) => {
        if (score > scores[best]!) best = i;
        if (score < scores[worst]!) worst = i;
      });
      sums.all += scores.reduce((a, b) => a + b, 0);
      sums.sessions += scores.length;
      if (scores[best]! - scores[worst]! < minRewardGap) {
        skipped++;
        return;
      }
      sums.chosen += scores[best]!;
      sums.rejected += scores[worst]!;
      pairs.push({
        user,
        history: full,
        chosen: sessions[best]!,
        rejected: sessions[worst]!,
        chosenReward: scores[best]!,
        rejectedReward: scores[worst]!,
        referenceChosen: 0,
        referenceRejected: 0,
      });
    });
    progress.stop();
    if (round === 1 && pairs.length > 0) {
      rewards = {
        chosen: sums.chosen / pairs.length,
        rejected: sums.rejected / pairs.length,
        all: sums.all / Math.max(1, sums.sessions),
      };
    }
    sums = { chosen: 0, rejected: 0, all: 0, sessions: 0 };
    pairCount += pairs.length;
    scoreWithReference(reference, itemTokens, pairs, batchSize);

    let epochSums = { loss: 0, batches: 0, right: 0, margin: 0 };
    // Each round is its own DPO run (fresh AdamW moments) against the same reference.
    await train(
      {
        module: model,
        examples: pairs.length,
        loss: (indices, random) => {
          const batch = Array.from(indices, (i) => pairs[i]!);
          const { loss, margins } = dpoLoss(
            sessionLogProbs(model, itemTokens, pairRows(batch)),
            referenceOf(batch),
            beta,
          );
          for (const margin of margins.data) {
            if (margin > 0) epochSums.right++;
            epochSums.margin += margin / beta;
          }
          epochSums.loss += loss.data[0]!;
          epochSums.batches++;
          if (nextTokenWeight === 0) return loss;
          const sequences = batch.map((pair) => pair.history);
          return add(loss, mul(model.sequenceLoss(sequences, itemTokens, random), nextTokenWeight));
        },
      },
      {
        epochs,
        batchSize,
        lr: options.lr ?? 3e-5,
        schedule: () => 1,
        trainMode: false,
        seed: options.random.nextUint32(),
        progress,
        label: `align round ${round}/${rounds}: DPO`,
        onEpoch: ({ epoch }) => {
          history.push({
            round,
            epoch,
            loss: epochSums.loss / Math.max(1, epochSums.batches),
            accuracy: epochSums.right / Math.max(1, pairs.length),
            margin: epochSums.margin / Math.max(1, pairs.length),
          });
          epochSums = { loss: 0, batches: 0, right: 0, margin: 0 };
        },
      },
    );
  }
  model.eval();
  return {
    pairs: pairCount,
    skipped,
    chosenReward: rewards.chosen,
    rejectedReward: rewards.rejected,
    candidateReward: rewards.all,
    history,
    reference,
    seconds: (performance.now() - started) / 1000,
  };
}

/** [numItems, depth] the tokens of every item, from the recommender's tokenizer. */
export function itemTokensOf(recommender: GenerativeRecommender): Int32Array {
  const tokenizer = recommender.tokenizer;
  const depth = tokenizer.depth;
  const out = new Int32Array(tokenizer.itemCount * depth);
  for (let item = 0; item < tokenizer.itemCount; item++) out.set(tokenizer.tokens(item), item * depth);
  return out;
}

/** Chosen rows then rejected rows: the layout dpoLoss expects. */
function pairRows(pairs: readonly PreferencePair[]): SessionRow[] {
  return [
    ...pairs.map((pair) => ({ history: pair.history, session: pair.chosen })),
    ...pairs.map((pair) => ({ history: pair.history, session: pair.rejected })),
  ];
}

function referenceOf(pairs: readonly PreferencePair[]): Float32Array {
  return Float32Array.from([
    ...pairs.map((pair) => pair.referenceChosen),
    ...pairs.map((pair) => pair.referenceRejected),
  ]);
}

function scoreWithReference(
  reference: LazyDecoder,
  itemTokens: Int32Array,
  pairs: PreferencePair[],
  batchSize: number,
): void {
  for (let from = 0; from < pairs.length; from += batchSize) {
    const batch = pairs.slice(from, from + batchSize);
    let values = new Float32Array(0);
    noGrad(() =>
      tidy(() => {
        values = Float32Array.from(sessionLogProbs(reference, itemTokens, pairRows(batch)).data);
        return null;
      }),
    );
    batch.forEach((pair, i) => {
      pair.referenceChosen = values[i]!;
      pair.referenceRejected = values[batch.length + i]!;
    });
  }
}
