import type { StageCost } from '../../feed/index.js';
import { nearestRank } from '../../statistics/index.js';

/** Per pipeline: requests, and mean CPU and wall time per request of each stage and in total. */
export interface PipelineCost {
  pipeline: string;
  requests: number;
  cpuMsPerRequest: number;
  latencyMsPerRequest: number;
  /** Over the last `window` requests of the pipeline. */
  p50Ms: number;
  p99Ms: number;
  /** Stage -> mean cost per request of the pipeline (a stage a request skipped counts 0 for it). */
  stages: Record<string, StageCost>;
}

/**
 * Running sums of what each pipeline's requests cost, stage by stage, kept in
 * memory by the feed service since it started (the store keeps each request's
 * stages, but no query sums them): what the experiment report and `/metrics`
 * show as CPU-ms per request per stage. Latency percentiles come from a ring
 * of the last `window` requests per pipeline.
 */
export class StageLedger {
  readonly #window: number;
  readonly #pipelines = new Map<
    string,
    {
      requests: number;
      cpuMs: number;
      latencyMs: number;
      stages: Map<string, StageCost>;
      recent: Float64Array;
      next: number;
    }
  >();

  constructor(window = 10_000) {
    this.#window = window;
  }

  record(pipeline: string, stages: Readonly<Record<string, StageCost>>, latencyMs: number): void {
    let entry = this.#pipelines.get(pipeline);
    if (entry === undefined) {
      entry = {
        requests: 0,
        cpuMs: 0,
        latencyMs: 0,
        stages: new Map(),
        recent: new Float64Array(this.#window),
        next: 0,
      };
      this.#pipelines.set(pipeline, entry);
    }
    entry.requests++;
    entry.latencyMs += latencyMs;
    entry.recent[entry.next % this.#window] = latencyMs;
    entry.next++;
    for (const [stage, cost] of Object.entries(stages)) {
      const sum = entry.stages.get(stage) ?? { latencyMs: 0, cpuMs: 0 };
      sum.latencyMs += cost.latencyMs;
      sum.cpuMs += cost.cpuMs;
      entry.stages.set(stage, sum);
      entry.cpuMs += cost.cpuMs;
    }
  }

  costs(): PipelineCost[] {
    return [...this.#pipelines.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([pipeline, entry]) => {
        const recent = Array.from(entry.recent.subarray(0, Math.min(entry.next, this.#window))).sort(
          (a, b) => a - b,
        );
        const stages: Record<string, StageCost> = {};
        for (const [stage, sum] of entry.stages)
          stages[stage] = { latencyMs: sum.latencyMs / entry.requests, cpuMs: sum.cpuMs / entry.requests };
        return {
          pipeline,
          requests: entry.requests,
          cpuMsPerRequest: entry.cpuMs / entry.requests,
          latencyMsPerRequest: entry.latencyMs / entry.requests,
          p50Ms: nearestRank(recent, 0.5),
          p99Ms: nearestRank(recent, 0.99),
          stages,
        };
      });
  }
}
