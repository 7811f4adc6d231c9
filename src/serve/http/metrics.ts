import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PipelineStatus, ServedFeed } from '../feed-source.js';

export interface ServeMetricsOptions {
  /** Also export the process metrics of prom-client (CPU, memory, event-loop lag). Default true. */
  processMetrics?: boolean;
  /** Prefix of every metric name. Default `genfeed_`. */
  prefix?: string;
}

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const cpuBuckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 250];

/**
 * The server's Prometheus metrics, in a registry of its own (so several apps in
 * one process, as in tests, do not collide). Requests are labelled by the
 * route pattern (`/v1/users/:id/feed`), never the raw path, to bound the label set.
 */
export class ServeMetrics {
  readonly registry: Registry;
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #requestSeconds: Histogram<'method' | 'route' | 'status'>;
  readonly #feedSeconds: Histogram<'pipeline'>;
  readonly #feedCpuMs: Histogram<'pipeline'>;
  readonly #stageCpuMs: Counter<'pipeline' | 'stage'>;
  readonly #stageSeconds: Counter<'pipeline' | 'stage'>;
  readonly #feedItems: Counter<'pipeline'>;
  readonly #ingested: Counter<'kind'>;
  readonly #pipelineReady: Gauge<'pipeline' | 'model_version'>;

  constructor(options: ServeMetricsOptions = {}) {
    const prefix = options.prefix ?? 'genfeed_';
    this.registry = new Registry();
    const registers = [this.registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix });
    this.#requests = new Counter({
      name: `${prefix}http_requests_total`,
      help: 'HTTP requests answered, by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#requestSeconds = new Histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: 'Wall time to answer an HTTP request',
      labelNames: ['method', 'route', 'status'],
      buckets: latencyBuckets,
      registers,
    });
    this.#feedSeconds = new Histogram({
      name: `${prefix}feed_latency_seconds`,
      help: 'Wall time of the feed pipeline per request (ServedFeed.latencyMs)',
      labelNames: ['pipeline'],
      buckets: latencyBuckets,
      registers,
    });
    this.#feedCpuMs = new Histogram({
      name: `${prefix}feed_cpu_milliseconds`,
      help: 'CPU milliseconds spent by the feed pipeline per request (ServedFeed.cpuMs)',
      labelNames: ['pipeline'],
      buckets: cpuBuckets,
      registers,
    });
    this.#stageCpuMs = new Counter({
      name: `${prefix}feed_stage_cpu_milliseconds_total`,
      help: 'CPU milliseconds per pipeline stage, summed over requests',
      labelNames: ['pipeline', 'stage'],
      registers,
    });
    this.#stageSeconds = new Counter({
      name: `${prefix}feed_stage_seconds_total`,
      help: 'Wall time per pipeline stage, summed over requests',
      labelNames: ['pipeline', 'stage'],
      registers,
    });
    this.#feedItems = new Counter({
      name: `${prefix}feed_items_total`,
      help: 'Items served in feeds',
      labelNames: ['pipeline'],
      registers,
    });
    this.#ingested = new Counter({
      name: `${prefix}ingested_records_total`,
      help: 'Records written by the ingest routes (items, users, events)',
      labelNames: ['kind'],
      registers,
    });
    this.#pipelineReady = new Gauge({
      name: `${prefix}pipeline_ready`,
      help: '1 when the pipeline can serve, with the model version it runs',
      labelNames: ['pipeline', 'model_version'],
      registers,
    });
  }

  request(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.#requests.inc(labels);
    this.#requestSeconds.observe(labels, seconds);
  }

  feed(feed: ServedFeed): void {
    const pipeline = feed.pipeline;
    this.#feedSeconds.observe({ pipeline }, feed.latencyMs / 1000);
    this.#feedCpuMs.observe({ pipeline }, feed.cpuMs);
    this.#feedItems.inc({ pipeline }, feed.items.length);
    for (const [stage, cost] of Object.entries(feed.stages)) {
      this.#stageCpuMs.inc({ pipeline, stage }, cost.cpuMs);
      this.#stageSeconds.inc({ pipeline, stage }, cost.latencyMs / 1000);
    }
  }

  ingested(kind: 'items' | 'users' | 'events', count: number): void {
    this.#ingested.inc({ kind }, count);
  }

  pipelines(statuses: readonly PipelineStatus[]): void {
    this.#pipelineReady.reset();
    for (const status of statuses) {
      this.#pipelineReady.set(
        { pipeline: status.name, model_version: status.modelVersion ?? '' },
        status.ready ? 1 : 0,
      );
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
