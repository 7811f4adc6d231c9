/**
 * The one normalised representation every reader produces, whatever the
 * source format. Ids stay strings at this level (source files disagree on id
 * types); `InteractionTable` maps them to dense indices for models.
 */

/** The KuaiRand feedback signals (binary ones as 0/1, durations in ms). */
export interface Signals {
  click?: number;
  like?: number;
  follow?: number;
  comment?: number;
  forward?: number;
  hate?: number;
  longView?: number;
  profileEnter?: number;
  playTimeMs?: number;
  durationMs?: number;
  profileStayTimeMs?: number;
  commentStayTimeMs?: number;
}

export interface Interaction {
  user: string;
  item: string;
  /** Unix time in seconds (fractional allowed). */
  time?: number;
  /** Explicit label: a rating (MovieLens), 0/1 (binarised splits), a watch ratio (KuaiRec matrices). */
  label?: number;
  /** Watch time in milliseconds. */
  watchTimeMs?: number;
  /** Length of the item in milliseconds, as seen at interaction time. */
  durationMs?: number;
  signals?: Signals;
  /** KuaiRand: the item was exposed at random (unbiased). */
  isRandom?: boolean;
  /** KuaiRand: the scenario (tab) of the impression. */
  tab?: number;
}

export interface Item {
  id: string;
  title?: string;
  /** Free text (caption, description). */
  text?: string;
  /** Text burnt into the cover image (KuaiRec `manual_cover_text`). */
  coverText?: string;
  hashtags?: string[];
  /** Category path from coarse to fine, as names. */
  categories?: string[];
  /** Category path from coarse to fine, as source ids. */
  categoryIds?: string[];
  /** Free-form tags or attribute ids (MovieLens tags, Amazon attributes, KuaiRand tag). */
  tags?: string[];
  durationMs?: number;
  author?: string;
  /** Unix time in seconds. */
  uploadTime?: number;
}

export interface User {
  id: string;
  features?: Record<string, string | number>;
}

/** Options every reader takes. */
export interface ReadOptions {
  /** Count and skip bad rows instead of failing on the first one. */
  skipBadRows?: boolean;
  /** Filled while reading: rows read, rows skipped and the first few errors. */
  report?: ReadReport;
  /** Bytes read from the file at a time (default 64 KiB); tests make it tiny to cut characters across chunks. */
  chunkSize?: number;
  /**
   * Refuse, as bad rows, rows that look cut short by a copy that stopped
   * early: the last row of a delimited file that does not end with a newline,
   * and a time before its format's data can exist (MovieLens ratings: before
   * 1995). Default false: hand-written files often lack the final newline;
   * `genfeed import` sets it, since an imported row stays in the store.
   */
  refuseCutRows?: boolean;
}

export interface ReadReport {
  file: string;
  rows: number;
  skipped: number;
  /** The first errors met (at most 20 kept), for the end-of-run summary. */
  errors: string[];
}
