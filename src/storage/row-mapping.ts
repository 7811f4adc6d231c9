import type { Signals } from '../data/index.js';
import type {
  EventInput,
  EventRecord,
  Experiment,
  FeedInput,
  ImpressionRecord,
  ItemInput,
  ItemRecord,
  ModelVersion,
  UserInput,
  UserRecord,
} from './records.js';
import type {
  EventsTable,
  ExperimentsTable,
  ImpressionsTable,
  ItemsTable,
  ModelVersionsTable,
  RequestsTable,
  UsersTable,
} from './schema.js';
import { signalColumns } from './signal-columns.js';
import type { FeedRows } from './sqlite-writer.js';

/** Records <-> rows. Absent optional fields are NULL; times are rounded to whole milliseconds. */

export function itemRow(item: ItemInput, now: number): ItemsTable {
  return {
    id: item.id,
    author: item.author ?? null,
    caption: item.caption ?? null,
    hashtags: JSON.stringify(item.hashtags ?? []),
    duration_ms: item.durationMs ?? null,
    upload_time: item.uploadTime === undefined ? null : Math.round(item.uploadTime),
    categories: JSON.stringify(item.categories ?? []),
    tags: JSON.stringify(item.tags ?? []),
    semantic_id: item.semanticId === undefined ? null : JSON.stringify(item.semanticId),
    ai_generated: item.aiGenerated ? 1 : 0,
    hidden: item.hidden ? 1 : 0,
    updated_at: now,
  };
}

export function itemRecord(row: ItemsTable): ItemRecord {
  const record: ItemRecord = {
    id: row.id,
    hashtags: JSON.parse(row.hashtags),
    categories: JSON.parse(row.categories),
    tags: JSON.parse(row.tags),
    aiGenerated: row.ai_generated === 1,
    hidden: row.hidden === 1,
    updatedAt: row.updated_at,
  };
  if (row.author !== null) record.author = row.author;
  if (row.caption !== null) record.caption = row.caption;
  if (row.duration_ms !== null) record.durationMs = row.duration_ms;
  if (row.upload_time !== null) record.uploadTime = row.upload_time;
  if (row.semantic_id !== null) record.semanticId = JSON.parse(row.semantic_id);
  return record;
}

export function userRow(user: UserInput, now: number): UsersTable {
  return { id: user.id, features: JSON.stringify(user.features ?? {}), updated_at: now };
}

export function userRecord(row: UsersTable): UserRecord {
  return { id: row.id, features: JSON.parse(row.features), updatedAt: row.updated_at };
}

/** A batch of feeds as table rows: one request row each, one impression row per item (position = index). */
export function feedRows(feeds: readonly FeedInput[]): FeedRows {
  const requests: RequestsTable[] = [];
  const impressions: ImpressionsTable[] = [];
  for (const feed of feeds) {
    const time = Math.round(feed.time);
    const experiment = feed.experiment ?? null;
    requests.push({
      id: feed.requestId,
      user_id: feed.userId,
      pipeline: feed.pipeline,
      experiment,
      time,
      item_count: feed.items.length,
      latency_ms: feed.latencyMs ?? null,
      cpu_ms: feed.cpuMs ?? null,
      stages: feed.stages === undefined ? null : JSON.stringify(feed.stages),
    });
    feed.items.forEach((item, position) => {
      impressions.push({
        request_id: feed.requestId,
        position,
        user_id: feed.userId,
        item_id: item.itemId,
        pipeline: feed.pipeline,
        experiment,
        time,
        score: item.score ?? null,
      });
    });
  }
  return { requests, impressions };
}

export function impressionRecord(row: ImpressionsTable): ImpressionRecord {
  const record: ImpressionRecord = {
    requestId: row.request_id,
    position: row.position,
    userId: row.user_id,
    itemId: row.item_id,
    pipeline: row.pipeline,
    time: row.time,
  };
  if (row.experiment !== null) record.experiment = row.experiment;
  if (row.score !== null) record.score = row.score;
  return record;
}

export function eventRow(event: EventInput): EventsTable {
  const row: EventsTable = {
    id: event.id,
    user_id: event.userId,
    item_id: event.itemId,
    time: Math.round(event.time),
    request_id: event.requestId ?? null,
    pipeline: event.pipeline ?? null,
    position: event.position ?? null,
    experiment: event.experiment ?? null,
    label: event.label ?? null,
    is_click: null,
    is_like: null,
    is_follow: null,
    is_comment: null,
    is_forward: null,
    is_hate: null,
    long_view: null,
    is_profile_enter: null,
    play_time_ms: null,
    duration_ms: null,
    profile_stay_time_ms: null,
    comment_stay_time_ms: null,
  };
  for (const [signal, column] of signalColumns) row[column] = event.signals?.[signal] ?? null;
  return row;
}

export function eventRecord(row: EventsTable): EventRecord {
  const signals: Signals = {};
  for (const [signal, column] of signalColumns) {
    const value = row[column];
    if (value !== null) signals[signal] = value;
  }
  const record: EventRecord = {
    id: row.id,
    userId: row.user_id,
    itemId: row.item_id,
    time: row.time,
    signals,
  };
  if (row.request_id !== null) record.requestId = row.request_id;
  if (row.pipeline !== null) record.pipeline = row.pipeline;
  if (row.position !== null) record.position = row.position;
  if (row.experiment !== null) record.experiment = row.experiment;
  if (row.label !== null) record.label = row.label;
  return record;
}

export function modelVersionRecord(row: ModelVersionsTable): ModelVersion {
  return {
    name: row.name,
    version: row.version,
    path: row.path,
    checksum: row.checksum,
    metrics: JSON.parse(row.metrics),
    createdAt: row.created_at,
    active: row.active === 1,
    storedFiles: row.stored_files,
    storedBytes: row.stored_bytes,
  };
}

export function experimentRecord(row: ExperimentsTable): Experiment {
  const record: Experiment = {
    name: row.name,
    split: JSON.parse(row.split),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.description !== null) record.description = row.description;
  return record;
}
