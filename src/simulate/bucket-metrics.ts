import type { Outcome } from './response-model.js';
import { type BinarySignal, binarySignals } from './signals.js';
import type { SimulationState } from './simulation-state.js';
import type { Impression, SimulationSink } from './simulator.js';

/** The per-policy figures of one replicate (one seed). */
export interface BucketFigures {
  users: number;
  /** Play seconds per user per simulated day (inactive days count as 0). */
  stayTimePerUserDay: number;
  /** Play seconds per active user-day. */
  stayTimePerActiveUserDay: number;
  /** Share of the bucket's users active on a day. */
  dau: number;
  /** P(active on day d + 1 | active on day d). */
  retention: number;
  impressionsPerUserDay: number;
  /** Hidden ground truth: mean satisfaction per impression, and summed per user-day. */
  satisfactionPerImpression: number;
  satisfactionPerUserDay: number;
  /** Satisfaction world: the users' mean satisfaction stock at the end of the run (0 = reference), and the share churned. */
  satisfactionStock: number;
  churned: number;
  signals: Record<BinarySignal, number>;
}

const outcomeField: Record<BinarySignal, keyof Outcome> = {
  is_hate: 'hate',
  is_forward: 'forward',
  is_follow: 'follow',
  is_comment: 'comment',
  is_like: 'like',
  long_view: 'longView',
  is_click: 'click',
  is_profile_enter: 'profileEnter',
};

/** Aggregates a run by bucket (policy): a sink for `simulateDays`. */
export class BucketMetrics implements SimulationSink {
  readonly #bucketOf: Int32Array;
  readonly #firstDay: number;
  readonly #lastDay: number;
  readonly #lastActive: Int32Array;
  readonly #users: Float64Array;
  readonly #userDays: Float64Array;
  readonly #activeDays: Float64Array;
  readonly #retained: Float64Array;
  readonly #eligible: Float64Array;
  readonly #impressions: Float64Array;
  readonly #playMs: Float64Array;
  readonly #satisfaction: Float64Array;
  readonly #signals: Float64Array;

  constructor(assignment: Int32Array, buckets: number, firstDay: number, days: number) {
    this.#bucketOf = assignment;
    this.#firstDay = firstDay;
    this.#lastDay = firstDay + days - 1;
    this.#lastActive = new Int32Array(assignment.length).fill(-2);
    const perBucket = () => new Float64Array(buckets);
    this.#users = perBucket();
    for (const bucket of assignment) if (bucket >= 0) this.#users[bucket]!++;
    this.#userDays = perBucket();
    this.#activeDays = perBucket();
    this.#retained = perBucket();
    this.#eligible = perBucket();
    this.#impressions = perBucket();
    this.#playMs = perBucket();
    this.#satisfaction = perBucket();
    this.#signals = new Float64Array(buckets * binarySignals.length);
  }

  impression({ user, outcome }: Impression): void {
    const bucket = this.#bucketOf[user]!;
    this.#impressions[bucket]!++;
    this.#playMs[bucket]! += outcome.playTimeMs;
    this.#satisfaction[bucket]! += outcome.satisfaction;
    const offset = bucket * binarySignals.length;
    for (let s = 0; s < binarySignals.length; s++) {
      this.#signals[offset + s]! += outcome[outcomeField[binarySignals[s]!]] as number;
    }
  }

  userDay(user: number, day: number, active: boolean): void {
    const bucket = this.#bucketOf[user]!;
    this.#userDays[bucket]!++;
    if (!active) return;
    this.#activeDays[bucket]!++;
    if (day > this.#firstDay && this.#lastActive[user] === day - 1) this.#retained[bucket]!++;
    if (day < this.#lastDay) this.#eligible[bucket]!++;
    this.#lastActive[user] = day;
  }

  /** The bucket's figures; `state` (the run's end state) gives the stock and churn, else they read 0. */
  figures(bucket: number, state?: SimulationState): BucketFigures {
    let stock = 0;
    let churned = 0;
    if (state) {
      for (let user = 0; user < this.#bucketOf.length; user++) {
        if (this.#bucketOf[user] !== bucket) continue;
        stock += state.satisfactionStock[user]!;
        churned += state.churned[user]!;
      }
    }
    const members = Math.max(this.#users[bucket]!, 1);
    const userDays = Math.max(this.#userDays[bucket]!, 1);
    const impressions = Math.max(this.#impressions[bucket]!, 1);
    const signals = {} as Record<BinarySignal, number>;
    binarySignals.forEach((signal, s) => {
      signals[signal] = this.#signals[bucket * binarySignals.length + s]! / impressions;
    });
    return {
      users: this.#users[bucket]!,
      stayTimePerUserDay: this.#playMs[bucket]! / 1000 / userDays,
      stayTimePerActiveUserDay: this.#playMs[bucket]! / 1000 / Math.max(this.#activeDays[bucket]!, 1),
      dau: this.#activeDays[bucket]! / userDays,
      retention: this.#retained[bucket]! / Math.max(this.#eligible[bucket]!, 1),
      impressionsPerUserDay: this.#impressions[bucket]! / userDays,
      satisfactionPerImpression: this.#satisfaction[bucket]! / impressions,
      satisfactionPerUserDay: this.#satisfaction[bucket]! / userDays,
      satisfactionStock: stock / members,
      churned: churned / members,
      signals,
    };
  }
}
