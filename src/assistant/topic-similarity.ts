import type { CreatorItem } from './types.js';

/**
 * Topics as vectors of the topics they appear with: topic t's vector counts, over
 * the items carrying t, every topic of those items (t included). Two hashtags
 * are close when they land on items of the same categories and tags, which
 * catches `#猫` ~ `#萌宠` without any dictionary.
 */
export class TopicCooccurrence {
  readonly #vectors = new Map<string, Map<string, number>>();
  readonly #norms = new Map<string, number>();

  constructor(itemTopics: Iterable<readonly string[]>) {
    for (const topics of itemTopics) {
      for (const topic of topics) {
        let vector = this.#vectors.get(topic);
        if (!vector) {
          vector = new Map();
          this.#vectors.set(topic, vector);
        }
        for (const other of topics) vector.set(other, (vector.get(other) ?? 0) + 1);
      }
    }
    for (const [topic, vector] of this.#vectors) this.#norms.set(topic, norm(vector));
  }

  /** The niche of a creator: the sum of the vectors of their items' topics, each item counted once. */
  profile(
    items: Iterable<CreatorItem>,
    topicsOf: (item: CreatorItem) => readonly string[],
  ): Map<string, number> {
    const profile = new Map<string, number>();
    for (const item of items) {
      for (const topic of topicsOf(item)) {
        for (const [other, weight] of this.#vectors.get(topic) ?? []) {
          profile.set(other, (profile.get(other) ?? 0) + weight / (this.#norms.get(topic) || 1));
        }
      }
    }
    return profile;
  }

  /** Cosine between a topic's vector and a profile (0 when the topic is unknown). */
  similarity(topic: string, profile: ReadonlyMap<string, number>): number {
    const vector = this.#vectors.get(topic);
    if (!vector) return 0;
    const profileNorm = norm(profile);
    if (profileNorm === 0) return 0;
    let dot = 0;
    for (const [other, weight] of vector) dot += weight * (profile.get(other) ?? 0);
    return dot / (this.#norms.get(topic)! * profileNorm);
  }
}

function norm(vector: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const value of vector.values()) sum += value * value;
  return Math.sqrt(sum);
}
