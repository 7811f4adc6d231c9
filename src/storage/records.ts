import type { Signals } from '../data/index.js';

/**
 * What the store holds, as callers see it. Times are unix milliseconds
 * throughout (the data module's readers use seconds; importers convert).
 */

/** A video of the catalogue. An upsert replaces the whole item: leave a field out to clear it. */
export interface ItemInput {
  id: string;
  author?: string;
  caption?: string;
  hashtags?: readonly string[];
  durationMs?: number;
  /** Unix ms. */
  uploadTime?: number;
  /** Category path from coarse to fine. */
  categories?: readonly string[];
  /** Content tags (from the tagger or the source). */
  tags?: readonly string[];
  /** The item's semantic ID: one code per level plus the disambiguation code. */
  semanticId?: readonly number[];
  aiGenerated?: boolean;
  /** Hidden items are never recommended (moderation, deleted by the creator). */
  hidden?: boolean;
}

export interface ItemRecord {
  id: string;
  author?: string;
  caption?: string;
  hashtags: string[];
  durationMs?: number;
  uploadTime?: number;
  categories: string[];
  tags: string[];
  semanticId?: number[];
  aiGenerated: boolean;
  hidden: boolean;
  /** When the item was last written (unix ms). */
  updatedAt: number;
}

export interface UserInput {
  id: string;
  features?: Readonly<Record<string, string | number>>;
}

export interface UserRecord {
  id: string;
  features: Record<string, string | number>;
  updatedAt: number;
}

/** One served feed: the request and the items shown, in order (position = index). */
export interface FeedInput {
  requestId: string;
  userId: string;
  /** Which pipeline produced it, e.g. `generative`, `cascade`. */
  pipeline: string;
  experiment?: string;
  time: number;
  items: ReadonlyArray<{ itemId: string; score?: number }>;
  latencyMs?: number;
  cpuMs?: number;
  /** Cost per stage, e.g. `{ recall: { latencyMs: 2, cpuMs: 1.5 } }`. */
  stages?: Readonly<Record<string, StageCost>>;
}

/** A served feed as stored: the request and its impressions in position order. */
export interface FeedRecord extends Omit<FeedInput, 'items' | 'stages'> {
  items: Array<{ itemId: string; score?: number }>;
  stages?: Record<string, StageCost>;
}

export interface StageCost {
  latencyMs: number;
  cpuMs: number;
}

export interface ImpressionRecord {
  requestId: string;
  position: number;
  userId: string;
  itemId: string;
  pipeline: string;
  experiment?: string;
  time: number;
  score?: number;
}

/**
 * What a user did with an item: KuaiRand's 12 signals (`Signals`: binary ones
 * as 0/1, durations in ms; `playTimeMs` is the watch time). Idempotent by `id`:
 * writing an id again replaces that event. `requestId`, `pipeline` and
 * `position` tie it to the feed that showed the item (absent for imports).
 */
export interface EventInput {
  id: string;
  userId: string;
  itemId: string;
  time: number;
  requestId?: string;
  pipeline?: string;
  position?: number;
  experiment?: string;
  /** An explicit label from the source: a rating (MovieLens), a watch ratio (KuaiRec). */
  label?: number;
  signals?: Readonly<Signals>;
}

export interface EventRecord extends Omit<EventInput, 'signals'> {
  signals: Signals;
}

export interface ModelVersionInput {
  name: string;
  /** Left out: one more than the newest version of `name`. */
  version?: number;
  /**
   * Where the model's files are on disk: for a version whose `files` the store
   * keeps, the publishing machine's copy (the model registry's cache folder);
   * otherwise the only copy.
   */
  path: string;
  checksum: string;
  metrics?: Readonly<Record<string, number>>;
  /** The model directory's files, kept in the store with the version (written in the same transaction). */
  files?: readonly ModelFileInput[];
}

export interface ModelVersion {
  name: string;
  version: number;
  path: string;
  checksum: string;
  metrics: Record<string, number>;
  createdAt: number;
  active: boolean;
  /** Files the store keeps for this version (0: its files are only at `path`). */
  storedFiles: number;
  /** Their total size in bytes. */
  storedBytes: number;
}

/** One file of a model directory, as `addModelVersion` takes it. */
export interface ModelFileInput {
  /** Relative to the model directory, `/`-separated, without `.` or `..` parts (`model.safetensors`). */
  path: string;
  /** The file's bytes in pieces of any size, read once inside the publishing transaction. */
  read: () => AsyncIterable<Uint8Array>;
  /** When given, the write is refused (and nothing of the version kept) unless the bytes have this sha256 (hex). */
  sha256?: string;
}

/** A file the store keeps for a model version, in chunks of at most `MODEL_CHUNK_BYTES`. */
export interface ModelFile {
  path: string;
  bytes: number;
  /** Hex sha256 of the whole file, computed by the store as it wrote the chunks. */
  sha256: string;
  chunks: number;
}

/** A model version made active (on this server or, on PostgreSQL, any server of the database). */
export interface ModelActivation {
  name: string;
  version: number;
}

/** An A/B test: traffic split between pipelines by weight (e.g. `{ generative: 25, cascade: 75 }`). */
export interface ExperimentInput {
  name: string;
  split: Readonly<Record<string, number>>;
  description?: string;
}

export interface Experiment {
  name: string;
  split: Record<string, number>;
  description?: string;
  createdAt: number;
  updatedAt: number;
}

/** A dashboard login (the web layer's `DashboardSession`), kept by the id its cookie's token hashes to. */
export interface SessionRecord {
  scopes: readonly string[];
  csrfToken: string;
  /** Unix ms after which it opens nothing (and `putSession` may drop it). */
  expiresAt: number;
}
