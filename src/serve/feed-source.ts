import type { FeedItem, SimilarItem, StageCost } from '../feed/index.js';

export type { SimilarItem };

/**
 * What the HTTP layer asks of the feed side of the server. `FeedService`
 * (feed-service.ts) implements it over a store, the model registry and the
 * experiment split; tests of the HTTP layer may pass a small fake.
 */
export interface FeedSource {
  /**
   * A feed of at most `n` distinct items for a user, none shown to them within the
   * no-repeat window; logged to the store before it resolves. Unknown users get the
   * cold-start feed (they are not an error: a new install is a new user).
   */
  feed(userId: string, n: number): Promise<ServedFeed>;
  /** Items similar to `itemId`; throws `NotFoundError` for an unknown item. */
  similar(itemId: string, n: number): Promise<SimilarItem[]>;
  /** The pipelines that can serve, with the model version each runs (for `/health/ready` and `/metrics`). */
  pipelines(): PipelineStatus[];
}

export interface ServedFeed {
  requestId: string;
  userId: string;
  /** The pipeline that served it (`generative`, `cascade`, or `coldstart`). */
  pipeline: string;
  /** The experiment and bucket that chose the pipeline, when one is running. */
  experiment?: string;
  items: FeedItem[];
  latencyMs: number;
  cpuMs: number;
  stages: Record<string, StageCost>;
}

export interface PipelineStatus {
  name: string;
  modelVersion?: string;
  ready: boolean;
}
