import type { Store } from '../../storage/index.js';

export interface Attribution {
  pipeline: string;
  experiment?: string;
}

/**
 * Which pipeline (and experiment) served a request id, so events quoting the
 * id are counted for that pipeline even when the client leaves `pipeline` out.
 * Feeds this server served are remembered (a bounded map, oldest dropped
 * first); other ids are looked up in the store once and remembered too.
 */
export class RequestAttribution {
  readonly #known = new Map<string, Attribution | null>();
  readonly #capacity: number;
  readonly #store: Store;

  constructor(store: Store, capacity = 100_000) {
    this.#store = store;
    this.#capacity = capacity;
  }

  remember(requestId: string, attribution: Attribution | null): void {
    this.#known.delete(requestId);
    this.#known.set(requestId, attribution);
    if (this.#known.size > this.#capacity) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
  }

  /** The pipeline that served `requestId`, or undefined when no feed with that id was logged. */
  async lookup(requestId: string): Promise<Attribution | undefined> {
    const known = this.#known.get(requestId);
    if (known !== undefined) return known ?? undefined;
    const feed = await this.#store.getFeed(requestId);
    const attribution =
      feed === undefined
        ? null
        : { pipeline: feed.pipeline, ...(feed.experiment !== undefined && { experiment: feed.experiment }) };
    // Unknown ids are not remembered: the feed may be logged by another server a moment later.
    if (attribution !== null) this.remember(requestId, attribution);
    return attribution ?? undefined;
  }
}
