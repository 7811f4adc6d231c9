import { topicIndex } from './topics.js';
import type { CreatorEvent, CreatorItem } from './types.js';

export interface TopicSeriesOptions {
  /** Bin width in ms (default one hour). */
  binMs?: number;
  /** Start of the first bin (unix ms; default the earliest time, floored to a bin). */
  start?: number;
  /** End (exclusive, unix ms; default just after the latest time). */
  end?: number;
  /** Topics with fewer events in total are left out (default 1). */
  minTotal?: number;
  /**
   * Count each user once per topic and bin (default false): a trend is many
   * people, not one person binge-watching a back catalogue.
   */
  distinctUsers?: boolean;
}

export interface TopicSeries {
  start: number;
  binMs: number;
  bins: number;
  /** Topic -> events per bin. */
  counts: Map<string, Float64Array>;
}

/**
 * Per topic (hashtag, category: see `topicsOfItem`), how many events touched an
 * item carrying it in each time bin: the raw material of trends. Events on
 * unknown items or outside [start, end) are skipped.
 */
export function topicSeries(
  events: Iterable<CreatorEvent>,
  items: Iterable<CreatorItem>,
  options: TopicSeriesOptions = {},
): TopicSeries {
  return seriesOf(eventStamps(events, options.distinctUsers ?? false), topicIndex(items), options);
}

/** The same series counting uploads (items by their `uploadTime`) instead of events. */
export function uploadSeries(items: Iterable<CreatorItem>, options: TopicSeriesOptions = {}): TopicSeries {
  const list = [...items];
  const stamps: Stamp[] = [];
  for (const item of list) if (item.uploadTime !== undefined) stamps.push([item.id, item.uploadTime]);
  return seriesOf(stamps, topicIndex(list), options);
}

function eventStamps(events: Iterable<CreatorEvent>, distinctUsers: boolean): Stamp[] {
  const stamps: Stamp[] = [];
  for (const event of events) {
    stamps.push(distinctUsers ? [event.itemId, event.time, event.userId] : [event.itemId, event.time]);
  }
  return stamps;
}

/** Item id, unix ms and, when counting distinct users, the user. */
type Stamp = readonly [string, number, string?];

function seriesOf(
  stamps: readonly Stamp[],
  topics: Map<string, string[]>,
  options: TopicSeriesOptions,
): TopicSeries {
  const binMs = options.binMs ?? 3_600_000;
  if (!(binMs > 0)) throw new RangeError(`topicSeries: binMs ${binMs} must be > 0`);
  let minTime = Number.POSITIVE_INFINITY;
  let maxTime = Number.NEGATIVE_INFINITY;
  for (const [, time] of stamps) {
    if (!Number.isFinite(time)) throw new RangeError(`topicSeries: time ${time} is not a finite number`);
    if (time < minTime) minTime = time;
    if (time > maxTime) maxTime = time;
  }
  const start = options.start ?? (Number.isFinite(minTime) ? Math.floor(minTime / binMs) * binMs : 0);
  const end = options.end ?? (Number.isFinite(maxTime) ? maxTime + 1 : start);
  const bins = Math.max(0, Math.ceil((end - start) / binMs));
  const counts = new Map<string, Float64Array>();
  const counted = new Set<string>();
  for (const [itemId, time, user] of stamps) {
    if (time < start || time >= end) continue;
    const bin = Math.floor((time - start) / binMs);
    for (const topic of topics.get(itemId) ?? []) {
      if (user !== undefined) {
        const key = `${topic}\u0000${bin}\u0000${user}`;
        if (counted.has(key)) continue;
        counted.add(key);
      }
      let series = counts.get(topic);
      if (!series) {
        series = new Float64Array(bins);
        counts.set(topic, series);
      }
      series[bin]!++;
    }
  }
  const minTotal = options.minTotal ?? 1;
  if (minTotal > 1) {
    for (const [topic, series] of counts) {
      let total = 0;
      for (const value of series) total += value;
      if (total < minTotal) counts.delete(topic);
    }
  }
  return { start, binMs, bins, counts };
}
