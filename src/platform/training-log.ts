import type { CatalogueItem } from '../cascade/index.js';
import { InvalidInputError } from '../core/index.js';
import {
  binaryHeads,
  type ImpressionLog,
  ImpressionLogBuilder,
  type ItemSide,
  itemSideOfRecords,
} from '../reward/index.js';
import { readCatalogue } from '../serve/index.js';
import type { BinarySignal, EventRecord, ItemRecord, Store } from '../storage/index.js';

/**
 * What the models train on, read from a store: the catalogue in a fixed order
 * (item i = dense index i for every model), each user's events in time order,
 * and the sequences of valid plays (click = 1) the sequence models learn from.
 */
export interface TrainingLog {
  items: ItemRecord[];
  itemIndex: Map<string, number>;
  userIds: string[];
  /** Per user (`userIds` order), clicked items oldest first. */
  sequences: Int32Array[];
  /** Every event with a known item, in (time, id) order. */
  events: EventRecord[];
  /** Newest event time (unix ms), 0 for none. */
  lastTime: number;
}

export interface ReadTrainingLogOptions {
  /** Only events before this time (unix ms). */
  until?: number;
}

/** Reads the catalogue and the event log (constant memory per page; the log itself is kept). */
export async function readTrainingLog(
  store: Store,
  options: ReadTrainingLogOptions = {},
): Promise<TrainingLog> {
  const items = await readCatalogue(store);
  if (items.length === 0)
    throw new InvalidInputError(`The store ${store.location} holds no items to train on`);
  const itemIndex = new Map(items.map((item, index) => [item.id, index]));
  const events: EventRecord[] = [];
  const users = new Map<string, number[]>();
  let lastTime = 0;
  for await (const event of store.streamEvents(options.until === undefined ? {} : { until: options.until })) {
    const item = itemIndex.get(event.itemId);
    if (item === undefined) continue;
    events.push(event);
    lastTime = Math.max(lastTime, event.time);
    let sequence = users.get(event.userId);
    if (sequence === undefined) {
      sequence = [];
      users.set(event.userId, sequence);
    }
    if (event.signals.click === 1) sequence.push(item);
  }
  const userIds = [...users.keys()];
  return {
    items,
    itemIndex,
    userIds,
    sequences: userIds.map((id) => Int32Array.from(users.get(id)!)),
    events,
    lastTime,
  };
}

/** The catalogue as the cascade reads it, in the log's item order. */
export function catalogueItems(log: TrainingLog): CatalogueItem[] {
  return log.items.map((item) => {
    const entry: CatalogueItem = { id: item.id, hidden: item.hidden };
    if (item.author !== undefined) entry.author = item.author;
    if (item.uploadTime !== undefined) entry.uploadedAt = item.uploadTime;
    if (item.durationMs !== undefined) entry.durationMs = item.durationMs;
    if (item.categories[0] !== undefined) entry.category = item.categories[0];
    return entry;
  });
}

/** The reward model's item side (author, first category, duration) in the log's item order. */
export function itemSideOfLog(log: TrainingLog): ItemSide {
  return itemSideOfRecords(log.items);
}

/** The store's name of each reward head's signal (a Record, so a head cannot be left out). */
const eventSignalOfHead: Record<(typeof binaryHeads)[number], BinarySignal> = {
  is_click: 'click',
  long_view: 'longView',
  is_like: 'like',
  is_follow: 'follow',
  is_comment: 'comment',
  is_forward: 'forward',
  is_hate: 'hate',
  is_profile_enter: 'profileEnter',
};
const binaryOrder = binaryHeads.map((head) => eventSignalOfHead[head]);

/**
 * The events as the reward model's impression log: per user in time order,
 * impressions of one request consecutive (events without a request id are a
 * request of their own), signals in `binaryHeads` order.
 */
export function impressionLogOf(log: TrainingLog): ImpressionLog {
  const userIndex = new Map(log.userIds.map((id, index) => [id, index]));
  const sorted = [...log.events].sort(
    (a, b) =>
      userIndex.get(a.userId)! - userIndex.get(b.userId)! ||
      a.time - b.time ||
      (a.requestId ?? a.id).localeCompare(b.requestId ?? b.id) ||
      (a.position ?? 0) - (b.position ?? 0),
  );
  const builder = new ImpressionLogBuilder(log.userIds.length, log.items.length);
  const requests = new Map<string, number>();
  const signals = new Uint8Array(binaryOrder.length);
  for (const event of sorted) {
    const key = event.requestId ?? `event:${event.id}`;
    let request = requests.get(key);
    if (request === undefined) {
      request = requests.size;
      requests.set(key, request);
    }
    binaryOrder.forEach((signal, s) => {
      signals[s] = event.signals[signal] ?? 0;
    });
    const date = new Date(event.time);
    builder.push({
      user: userIndex.get(event.userId)!,
      item: log.itemIndex.get(event.itemId)!,
      request,
      position: event.position ?? 0,
      day: Math.floor(event.time / 86_400_000),
      hour: date.getUTCHours(),
      durationMs: event.signals.durationMs ?? log.items[log.itemIndex.get(event.itemId)!]!.durationMs ?? 0,
      playTimeMs: event.signals.playTimeMs ?? 0,
      signals,
    });
  }
  return builder.build();
}
