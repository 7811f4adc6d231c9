import type {
  EvalPhase,
  ModelReport,
  Recommender,
  RecommenderSpec,
  ReportContext,
  TrainingData,
} from '../eval/index.js';
import type { StageCost } from '../feed/index.js';
import { fitCascadeParts } from './build-cascade.js';
import { Cascade } from './cascade.js';
import type { CascadeSettings } from './cascade-config.js';
import { Catalogue } from './catalogue.js';
import { numPrerankFeatures, PRERANK_FEATURES } from './prerank-model.js';

/**
 * The cascade on the eval harness's interface, so it is measured with the same
 * protocol as the baselines: a catalogue of the data set's item indices (no
 * authors, upload times or reward model: recall is item-kNN + ANN + popular,
 * the pre-rank score ranks). `recommend` returns the funnel's own list, so a
 * target the recall missed counts as missed. Stage costs add up over requests.
 */
export class CascadeRecommender implements Recommender {
  #cascade: Cascade | undefined;
  readonly stageTotals: Record<string, StageCost> = {};
  requests = 0;

  constructor(readonly settings: CascadeSettings) {}

  fit(data: TrainingData): undefined {
    const catalogue = new Catalogue(
      Array.from({ length: data.numItems }, (_, item) => ({ id: String(item) })),
    );
    this.#cascade = new Cascade(fitCascadeParts(catalogue, data.sequences, this.settings));
    return undefined;
  }

  recommend(
    _user: number,
    history: Int32Array,
    k: number,
    exclude: Int32Array,
  ): { items: Int32Array; scores: Float32Array } {
    const ranked = this.#fitted().rankIndices(history, k, exclude, 0);
    this.requests++;
    for (const [stage, cost] of Object.entries(ranked.stages)) {
      const total = this.stageTotals[stage] ?? { latencyMs: 0, cpuMs: 0 };
      total.latencyMs += cost.latencyMs;
      total.cpuMs += cost.cpuMs;
      this.stageTotals[stage] = total;
    }
    return { items: ranked.items, scores: ranked.scores };
  }

  /** The funnel's top 100 get descending scores; everything else 0. */
  score(user: number, history: Int32Array, scores: Float32Array): void {
    const { items } = this.recommend(user, history, 100, new Int32Array(0));
    items.forEach((item, rank) => {
      scores[item] = items.length - rank;
    });
  }

  /**
   * Mean CPU and wall ms per request of each stage over every `recommend` so
   * far, the fitted pre-rank weights, and how often the funnel keeps a test
   * target: in the recall pool, and in the pre-rank's cut (up to 2,000 users).
   */
  report(phase?: EvalPhase, context?: ReportContext): ModelReport {
    const cascade = this.#fitted();
    const perRequest: Record<string, StageCost> = {};
    for (const [stage, cost] of Object.entries(this.stageTotals)) {
      perRequest[stage] = {
        latencyMs: cost.latencyMs / Math.max(1, this.requests),
        cpuMs: cost.cpuMs / Math.max(1, this.requests),
      };
    }
    const report: ModelReport = {
      cascadeStagesPerRequest: perRequest,
      cascadeRequests: this.requests,
      prerankWeights: Object.fromEntries(
        PRERANK_FEATURES.map((name, f) => [name, cascade.parts.prerankWeights[f]!]),
      ),
    };
    if (phase && context) report.funnelHitRates = funnelHitRates(cascade, phase, context);
    return report;
  }

  #fitted(): Cascade {
    if (!this.#cascade) throw new Error('CascadeRecommender used before fit');
    return this.#cascade;
  }
}

function funnelHitRates(cascade: Cascade, phase: EvalPhase, context: ReportContext): Record<string, number> {
  const users = phase.targets.flatMap((targets, user) =>
    targets.length > 0 && phase.history[user]!.length > 0 ? [user] : [],
  );
  for (let k = users.length - 1; k > 0; k--) {
    const j = context.random.int(k + 1);
    [users[k], users[j]] = [users[j]!, users[k]!];
  }
  const sample = users.slice(0, 2000);
  const F = numPrerankFeatures;
  const weights = cascade.parts.prerankWeights;
  let recalled = 0;
  let kept = 0;
  for (const user of sample) {
    const example = cascade.prerankExample(phase.history[user]!, phase.targets[user]![0]!, 0);
    if (!example) continue;
    recalled++;
    const score = (c: number) => {
      let sum = 0;
      for (let f = 0; f < F; f++) sum += weights[f]! * example.features[c * F + f]!;
      return sum;
    };
    const target = score(example.target);
    let above = 0;
    for (let c = 0; c < example.features.length / F; c++) if (score(c) > target) above++;
    if (above < cascade.config.prerankSize) kept++;
  }
  const total = Math.max(1, sample.length);
  return { users: sample.length, recall: recalled / total, prerank: kept / total };
}

/** Hyperparameters the eval harness may set or search (all numbers). */
function settingsOf(params: Record<string, number>): CascadeSettings {
  return {
    quotas: { itemknn: params.itemknnQuota!, ann: params.annQuota!, popular: params.popularQuota!, fresh: 0 },
    prerankSize: params.prerankSize!,
    neighbours: params.neighbours!,
    shrink: params.shrink!,
    historyDecay: params.decay!,
    dim: params.dim!,
    prerankUsers: params.prerankUsers!,
  };
}

export const cascadeSpec: RecommenderSpec = {
  name: 'cascade',
  description:
    'classic funnel: item-kNN + HNSW-ANN + popular recall -> learned pre-rank over item-kNN, two-tower dot product and popularity (no reward model offline)',
  defaults: {
    itemknnQuota: 200,
    annQuota: 200,
    popularQuota: 100,
    prerankSize: 100,
    neighbours: 100,
    shrink: 10,
    decay: 0.9,
    dim: 32,
    prerankUsers: 5000,
  },
  search: {},
  create: (params) => new CascadeRecommender(settingsOf(params)),
};
