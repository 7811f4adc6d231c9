import type { GenerativeRecommender } from './generative-spec.js';

export interface CandidateSessionOptions {
  /** Sessions wanted (N). */
  count: number;
  /** Items per session (n). */
  length: number;
  /** Items no session may contain (default: the history). */
  exclude?: ArrayLike<number>;
  /** Beam width for the items after the first (default 1: greedy). */
  completionBeamWidth?: number;
}

/**
 * N candidate sessions after one history (OneRec IPA's "beam search N
 * sessions"): the N best first items of one trie-constrained beam search of
 * width N, each completed to `length` distinct items by session-wise
 * generation (each item appended to the context and excluded afterwards).
 * Sessions that run out of items come back shorter.
 */
export function candidateSessions(
  recommender: GenerativeRecommender,
  history: Int32Array,
  options: CandidateSessionOptions,
): Int32Array[] {
  const { count, length } = options;
  const exclude = Array.from(options.exclude ?? history);
  const width = options.completionBeamWidth ?? 1;
  const first = recommender.generate(history, { k: count, exclude, beamWidth: count });
  return Array.from(first.items, (item) => {
    const session = [item];
    const excluded = [...exclude, item];
    let context = appended(history, item);
    while (session.length < length) {
      const next = recommender.generate(context, { k: 1, exclude: excluded, beamWidth: width });
      const chosen = next.items[0];
      if (chosen === undefined) break;
      session.push(chosen);
      excluded.push(chosen);
      context = appended(context, chosen);
    }
    return Int32Array.from(session);
  });
}

function appended(history: Int32Array, item: number): Int32Array {
  const out = new Int32Array(history.length + 1);
  out.set(history);
  out[history.length] = item;
  return out;
}
