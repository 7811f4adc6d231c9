/**
 * Group commit: concurrent writers share one transaction. Each `add` call's
 * records are one unit (committed together, all or nothing); calls arriving
 * while a commit is running wait for it and then go out together in the next
 * one (at most `maxBatch` records, whole calls). Every call resolves only
 * after the transaction holding its records committed, so a resolved call is
 * exactly as durable as a lone write; under load the commit (and its fsync)
 * is paid once per batch instead of once per call. There is no timer and no
 * added wait: an idle queue commits at once (after the current microtask,
 * so calls made together share it; not on a later turn of the event loop,
 * which a writer looping on promises could postpone forever), a busy one as
 * soon as the previous commit ends.
 *
 * If a commit of several calls fails, each call is retried alone, so one bad
 * call fails only itself.
 */
export class GroupCommit<T> {
  readonly #commit: (records: T[]) => Promise<void>;
  readonly #maxBatch: number;
  #queue: Pending<T>[] = [];
  #running: Promise<void> | undefined;
  /** Transactions committed and records written since start (tests, metrics). */
  readonly stats = { commits: 0, records: 0, calls: 0 };

  constructor(commit: (records: T[]) => Promise<void>, options: { maxBatch?: number } = {}) {
    this.#commit = commit;
    this.#maxBatch = options.maxBatch ?? 1000;
    if (!Number.isInteger(this.#maxBatch) || this.#maxBatch < 1)
      throw new RangeError(`maxBatch must be a positive integer, got ${options.maxBatch}`);
  }

  /** Resolves once `records` are committed (with whatever else was queued alongside). */
  add(records: readonly T[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      this.#running ??= Promise.resolve().then(() => this.#drain());
    });
  }

  /** Resolves when everything queued so far has been committed or has failed. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch: Pending<T>[] = [];
        let size = 0;
        while (this.#queue.length > 0) {
          const next = this.#queue[0]!;
          if (batch.length > 0 && size + next.records.length > this.#maxBatch) break;
          batch.push(this.#queue.shift()!);
          size += next.records.length;
        }
        await this.#write(batch);
      }
    } finally {
      this.#running = undefined;
    }
  }

  async #write(batch: readonly Pending<T>[]): Promise<void> {
    try {
      await this.#commit(batch.length === 1 ? [...batch[0]!.records] : batch.flatMap((call) => call.records));
      this.stats.commits += 1;
      this.stats.calls += batch.length;
      for (const call of batch) this.stats.records += call.records.length;
      for (const call of batch) call.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const call of batch) await this.#write([call]);
    }
  }
}

interface Pending<T> {
  records: readonly T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}
