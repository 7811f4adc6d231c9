/**
 * Real burst examples: MovieLens latest-small ratings as the event log, topics
 * = genres (categories) and user tags (hashtags), daily bins with a weekly
 * season, counting distinct users (one user rating 400 dramas in a day is
 * not a trend). The data set has no uploads and no authors, so these show what the
 * detector flags on real timestamps, not creator advice.
 */
import {
  burstSpans,
  type CreatorEvent,
  type CreatorItem,
  DAY_MS,
  detectBursts,
  topicSeries,
} from '../../src/assistant/index.js';
import {
  foldTagsIntoItems,
  type Item,
  readMovieLensMovies,
  readMovieLensRatings,
  readMovieLensTags,
} from '../../src/data/index.js';

export interface RealBurst {
  topic: string;
  from: string;
  to: string;
  count: number;
  expected: number;
  peakZ: number;
  /** Distinct users behind the burst's events. */
  users: number;
}

export async function movieLensBursts(
  folder: string,
  limit: number,
): Promise<{ topics: number; days: number; bursts: number; top: RealBurst[] }> {
  const events: CreatorEvent[] = [];
  for await (const rating of readMovieLensRatings(`${folder}/ratings.csv`)) {
    events.push({ userId: rating.user, itemId: rating.item, time: rating.time! * 1000 });
  }
  const movies = new Map<string, Item>();
  for await (const movie of readMovieLensMovies(`${folder}/movies.csv`)) movies.set(movie.id, movie);
  await foldTagsIntoItems(movies, readMovieLensTags(`${folder}/tags.csv`));
  const items: CreatorItem[] = [...movies.values()].map((movie) => ({
    id: movie.id,
    hashtags: movie.tags ?? [],
    categories: (movie.categories ?? []).filter((genre) => genre !== '(no genres listed)'),
  }));
  const series = topicSeries(events, items, { binMs: DAY_MS, minTotal: 200, distinctUsers: true });
  const itemsOf = new Map(items.map((item) => [item.id, item]));
  const found: RealBurst[] = [];
  let bursts = 0;
  for (const [topic, counts] of series.counts) {
    const result = detectBursts(counts, { period: 7, minCount: 5 });
    for (const span of burstSpans(counts, result)) {
      bursts++;
      const from = series.start + span.start * DAY_MS;
      const to = series.start + (span.end + 1) * DAY_MS;
      const users = new Set(
        events
          .filter((event) => event.time >= from && event.time < to)
          .filter((event) => topicOf(itemsOf.get(event.itemId), topic))
          .map((event) => event.userId),
      );
      found.push({
        topic,
        from: new Date(from).toISOString().slice(0, 10),
        to: new Date(to - 1).toISOString().slice(0, 10),
        count: span.count,
        expected: Number(span.expected.toFixed(2)),
        peakZ: Number(span.peakZ.toFixed(1)),
        users: users.size,
      });
    }
  }
  found.sort((a, b) => b.peakZ - a.peakZ || b.count - a.count);
  return { topics: series.counts.size, days: series.bins, bursts, top: found.slice(0, limit) };
}

function topicOf(item: CreatorItem | undefined, topic: string): boolean {
  if (!item) return false;
  if (topic.startsWith('category:')) return item.categories?.includes(topic.slice(9)) ?? false;
  return item.hashtags?.some((tag) => `#${tag.trim().toLowerCase()}` === topic) ?? false;
}
