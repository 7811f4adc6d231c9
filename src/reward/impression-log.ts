import { numBinary } from './signals.js';

/**
 * Logged impressions in columns, rows in time order per user; what the reward
 * model trains and is evaluated on. Users and items are dense indices.
 */
export interface ImpressionLog {
  size: number;
  numUsers: number;
  numItems: number;
  user: Int32Array;
  item: Int32Array;
  /** Feed request (page): impressions of one page share it, consecutive in the log. */
  request: Int32Array;
  /** Rank within the page (0 = first). */
  position: Int32Array;
  day: Int32Array;
  hour: Int32Array;
  durationMs: Float32Array;
  playTimeMs: Float32Array;
  /** [size, 8] in `binaryHeads` order, 0/1. */
  signals: Uint8Array;
}

/** One row as a builder accepts it; `signals` in `binaryHeads` order. */
export interface LoggedImpression {
  user: number;
  item: number;
  request: number;
  position: number;
  day: number;
  hour: number;
  durationMs: number;
  playTimeMs: number;
  signals: ArrayLike<number>;
}

/** Appends rows into growing typed columns. */
export class ImpressionLogBuilder {
  #size = 0;
  #capacity = 1024;
  #columns = allocate(1024);
  readonly #numUsers: number;
  readonly #numItems: number;

  constructor(numUsers: number, numItems: number) {
    this.#numUsers = numUsers;
    this.#numItems = numItems;
  }

  get size(): number {
    return this.#size;
  }

  push(row: LoggedImpression): void {
    if (this.#size === this.#capacity) this.#grow();
    const k = this.#size++;
    const c = this.#columns;
    c.user[k] = row.user;
    c.item[k] = row.item;
    c.request[k] = row.request;
    c.position[k] = row.position;
    c.day[k] = row.day;
    c.hour[k] = row.hour;
    c.durationMs[k] = row.durationMs;
    c.playTimeMs[k] = row.playTimeMs;
    for (let s = 0; s < numBinary; s++) c.signals[k * numBinary + s] = row.signals[s]! > 0 ? 1 : 0;
  }

  build(): ImpressionLog {
    const n = this.#size;
    const c = this.#columns;
    return {
      size: n,
      numUsers: this.#numUsers,
      numItems: this.#numItems,
      user: c.user.slice(0, n),
      item: c.item.slice(0, n),
      request: c.request.slice(0, n),
      position: c.position.slice(0, n),
      day: c.day.slice(0, n),
      hour: c.hour.slice(0, n),
      durationMs: c.durationMs.slice(0, n),
      playTimeMs: c.playTimeMs.slice(0, n),
      signals: c.signals.slice(0, n * numBinary),
    };
  }

  #grow(): void {
    const bigger = allocate(this.#capacity * 2);
    const c = this.#columns;
    for (const key of Object.keys(c) as (keyof Columns)[])
      (bigger[key] as Int32Array).set(c[key] as Int32Array);
    this.#columns = bigger;
    this.#capacity *= 2;
  }
}

type Columns = Omit<ImpressionLog, 'size' | 'numUsers' | 'numItems'>;

function allocate(capacity: number): Columns {
  return {
    user: new Int32Array(capacity),
    item: new Int32Array(capacity),
    request: new Int32Array(capacity),
    position: new Int32Array(capacity),
    day: new Int32Array(capacity),
    hour: new Int32Array(capacity),
    durationMs: new Float32Array(capacity),
    playTimeMs: new Float32Array(capacity),
    signals: new Uint8Array(capacity * numBinary),
  };
}

/** The given rows as a log of their own (a copy). */
export function sliceLog(log: ImpressionLog, rows: Int32Array): ImpressionLog {
  const pick = <T extends Int32Array | Float32Array>(column: T): T => {
    const out = new (column.constructor as new (n: number) => T)(rows.length);
    for (let k = 0; k < rows.length; k++) out[k] = column[rows[k]!]!;
    return out;
  };
  const signals = new Uint8Array(rows.length * numBinary);
  for (let k = 0; k < rows.length; k++) {
    signals.set(log.signals.subarray(rows[k]! * numBinary, (rows[k]! + 1) * numBinary), k * numBinary);
  }
  return {
    size: rows.length,
    numUsers: log.numUsers,
    numItems: log.numItems,
    user: pick(log.user),
    item: pick(log.item),
    request: pick(log.request),
    position: pick(log.position),
    day: pick(log.day),
    hour: pick(log.hour),
    durationMs: pick(log.durationMs),
    playTimeMs: pick(log.playTimeMs),
    signals,
  };
}

/** Splits off the last day as the held-out test (docs/reward.md, "Offline report"). */
export function splitLastDay(log: ImpressionLog): { train: ImpressionLog; test: ImpressionLog } {
  let last = 0;
  for (let k = 0; k < log.size; k++) last = Math.max(last, log.day[k]!);
  const train: number[] = [];
  const test: number[] = [];
  for (let k = 0; k < log.size; k++) (log.day[k] === last ? test : train).push(k);
  if (train.length === 0) throw new RangeError('the log holds a single day: no day left to train on');
  return { train: sliceLog(log, Int32Array.from(train)), test: sliceLog(log, Int32Array.from(test)) };
}
