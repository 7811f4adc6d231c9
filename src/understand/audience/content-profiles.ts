import type { InterestLog } from './interest-log.js';

/**
 * TF-IDF content profiles (docs/understand.md, "Audience finding"). Each item is
 * a bag of tokens (genres, tags, category, author); its vector is
 * tf * log(N / df), L2-normalised. A user's profile is the sum of the vectors
 * of the items in their history, L2-normalised; the content score of a user
 * for an item is the cosine of profile and item vector.
 */
export class ContentProfiles {
  readonly vocabulary: Map<string, number>;
  /** Per item: token ids and weights (L2-normalised). */
  readonly #itemTokens: Int32Array[];
  readonly #itemWeights: Float32Array[];
  /** [users, vocabulary] row-major, each row L2-normalised (all zero for a user without history). */
  readonly #profiles: Float32Array;
  readonly numUsers: number;

  constructor(log: InterestLog, itemTokens: readonly (readonly string[])[]) {
    if (itemTokens.length !== log.numItems) {
      throw new RangeError(`${itemTokens.length} token lists for ${log.numItems} items`);
    }
    this.vocabulary = new Map();
    const documentFrequency: number[] = [];
    const counted = itemTokens.map((tokens) => {
      const counts = new Map<number, number>();
      for (const token of tokens) {
        let id = this.vocabulary.get(token);
        if (id === undefined) {
          id = this.vocabulary.size;
          this.vocabulary.set(token, id);
          documentFrequency.push(0);
        }
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      for (const id of counts.keys()) documentFrequency[id]!++;
      return counts;
    });
    const items = itemTokens.length;
    this.#itemTokens = [];
    this.#itemWeights = [];
    for (const counts of counted) {
      const ids = Int32Array.from(counts.keys());
      const weights = Float32Array.from(
        ids,
        (id) => counts.get(id)! * Math.log(items / documentFrequency[id]!),
      );
      normalize(weights);
      this.#itemTokens.push(ids);
      this.#itemWeights.push(weights);
    }
    const size = this.vocabulary.size;
    this.numUsers = log.numUsers;
    this.#profiles = new Float32Array(log.numUsers * size);
    log.userItems.forEach((history, user) => {
      const row = this.#profiles.subarray(user * size, (user + 1) * size);
      for (const item of history) {
        const ids = this.#itemTokens[item]!;
        const weights = this.#itemWeights[item]!;
        for (let k = 0; k < ids.length; k++) row[ids[k]!]! += weights[k]!;
      }
      normalize(row);
    });
  }

  /** Content score of every user for `item`: [users]. */
  scores(item: number): Float32Array {
    const out = new Float32Array(this.numUsers);
    const ids = this.#itemTokens[item];
    if (ids === undefined) throw new RangeError(`item ${item} is outside the catalogue`);
    const weights = this.#itemWeights[item]!;
    const size = this.vocabulary.size;
    for (let user = 0; user < this.numUsers; user++) {
      let dot = 0;
      const offset = user * size;
      for (let k = 0; k < ids.length; k++) dot += this.#profiles[offset + ids[k]!]! * weights[k]!;
      out[user] = dot;
    }
    return out;
  }
}

function normalize(values: Float32Array): void {
  let sum = 0;
  for (const value of values) sum += value * value;
  if (sum === 0) return;
  const scale = 1 / Math.sqrt(sum);
  for (let k = 0; k < values.length; k++) values[k]! *= scale;
}
