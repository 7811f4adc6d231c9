import { type Progress, Random, silentProgress } from '../core/index.js';
import { FanGraph } from './fan-graph.js';
import type { FeedRequest, Policy } from './policy.js';
import {
  emptyOutcome,
  type Outcome,
  type ResponseParams,
  respond,
  responseDesign,
  sigmoid,
} from './response-model.js';
import { SeenItems, UserHistory } from './seen-items.js';
import { sessionHour } from './user-traits.js';
import { taste, type World } from './world.js';

/** Session and return dynamics (docs/simulate.md, "Sessions and days"); assumed values. */
export const dynamicsDesign = {
  /** Items per feed request (one page of the vertical feed). */
  pageSize: 10,
  /** Leave logit at reference satisfaction: 1 / (1 + e^2.5) = 7.6% per impression, ~13 per session. */
  leaveBase: -2.5,
  /** Leave logit per sd of recent satisfaction below the reference. */
  leaveSatisfaction: 1.5,
  /** Leave logit after a hate. */
  leaveHate: 2,
  /** Weight of the newest impression in the session's running satisfaction. */
  sessionMemory: 0.25,
  maxSessionImpressions: 200,
  /** Return logit per sd of the recent days' satisfaction above the reference. */
  returnSatisfaction: 2,
  /** Weight of today in the running day satisfaction. */
  dayMemory: 0.4,
  /** Seconds between two videos (swipe, load). */
  swipeSeconds: 1,
} as const;

/** Reference satisfaction: its mean and sd over random user-item impressions. */
export interface Reference {
  mean: number;
  sd: number;
}

export function referenceSatisfaction(world: World, seed = 3, samples = 50_000): Reference {
  const random = new Random(seed);
  let sum = 0;
  let sumSquares = 0;
  for (let s = 0; s < samples; s++) {
    const z = taste(world, random.int(world.population.size), random.int(world.catalogue.size));
    const satisfaction = sigmoid(z + responseDesign.tasteNoise * random.normal());
    sum += satisfaction;
    sumSquares += satisfaction * satisfaction;
  }
  const mean = sum / samples;
  return { mean, sd: Math.sqrt(sumSquares / samples - mean * mean) };
}

/** One logged impression (the outcome object is reused: copy what you keep). */
export interface Impression {
  user: number;
  item: number;
  day: number;
  /** Unix ms. */
  timeMs: number;
  hour: number;
  /** Index of the policy that served it. */
  bucket: number;
  /** Feed request (page) of the run it was served in, counting from 0: impressions of one page share it. */
  request: number;
  /** Rank within its page (0 = first shown). */
  position: number;
  /** Standardised taste including the follow bonus (what the response saw). */
  affinity: number;
  canFollow: boolean;
  outcome: Outcome;
}

/** Receives every impression and the end of each user-day. */
export interface SimulationSink {
  impression(impression: Impression): void;
  /** After every user on every day, active or not. */
  userDay?(user: number, day: number, active: boolean): void;
}

/** Everything that changes as users watch; cloned to replay the same start under other seeds. */
export class SimulationState {
  readonly histories: UserHistory[];
  readonly seen: SeenItems[];
  readonly fans: FanGraph;
  /** Running satisfaction of the recent active days. */
  readonly daySatisfaction: Float64Array;
  /** Days simulated so far (the next day's index). */
  day = 0;

  constructor(world: World, reference: Reference, parts?: Partial<SimulationState>) {
    const { population, catalogue } = world;
    this.histories =
      parts?.histories ??
      Array.from(
        { length: population.size },
        (_, user) => new UserHistory(population.initialHistory?.[user]),
      );
    this.seen =
      parts?.seen ??
      Array.from({ length: population.size }, (_, user) => {
        const seen = new SeenItems(catalogue.size);
        for (const item of population.initialSeen?.[user] ?? []) seen.add(item);
        return seen;
      });
    this.fans = parts?.fans ?? new FanGraph(population.size);
    this.daySatisfaction = parts?.daySatisfaction ?? new Float64Array(population.size).fill(reference.mean);
    this.day = parts?.day ?? 0;
  }

  clone(world: World, reference: Reference): SimulationState {
    return new SimulationState(world, reference, {
      histories: this.histories.map((history) => history.clone()),
      seen: this.seen.map((seen) => seen.clone()),
      fans: this.fans.clone(),
      daySatisfaction: this.daySatisfaction.slice(),
      day: this.day,
    });
  }
}

export interface RunOptions {
  days: number;
  /** Policy serving each user (index into `policies`), or -1: the user is not simulated. */
  assignment: Int32Array;
  policies: readonly Policy[];
  sink: SimulationSink;
  seed: number;
  /** First simulated day (default 2022-04-08, the first day of the KuaiRand logs), UTC. */
  startDate?: string;
  progress?: Progress;
  /** Stop once this many impressions were simulated (calibration runs). */
  maxImpressions?: number;
}

const DAY_MS = 86_400_000;

/**
 * Simulates `days` days of every assigned user from `state` (mutated): who comes
 * back, their sessions, the pages each policy serves and every response.
 * Returns the number of impressions simulated.
 */
export function simulateDays(
  world: World,
  params: ResponseParams,
  reference: Reference,
  state: SimulationState,
  options: RunOptions,
): number {
  const random = new Random(options.seed);
  const { population, catalogue } = world;
  const progress = options.progress ?? silentProgress;
  const design = dynamicsDesign;
  const pageSize = design.pageSize;
  const page = new Int32Array(pageSize);
  const outcome = emptyOutcome();
  const impression: Impression = {
    user: 0,
    item: 0,
    day: 0,
    timeMs: 0,
    hour: 0,
    bucket: 0,
    request: -1,
    position: 0,
    affinity: 0,
    canFollow: true,
    outcome,
  };
  const request: FeedRequest = {
    user: 0,
    day: 0,
    hour: 0,
    history: new Int32Array(0),
    seen: state.seen[0]!,
    size: pageSize,
  };
  const start = Date.parse(`${options.startDate ?? '2022-04-08'}T00:00:00Z`);
  const limit = options.maxImpressions ?? Number.POSITIVE_INFINITY;
  let impressions = 0;
  progress.start('simulating days', options.days);
  for (let step = 0; step < options.days && impressions < limit; step++) {
    const day = state.day;
    const dayStart = start + day * DAY_MS;
    for (let user = 0; user < population.size && impressions < limit; user++) {
      const bucket = options.assignment[user]!;
      if (bucket < 0) continue;
      const drift = (state.daySatisfaction[user]! - reference.mean) / reference.sd;
      const active =
        random.next() < sigmoid(population.returnLogit[user]! + design.returnSatisfaction * drift);
      if (!active) {
        options.sink.userDay?.(user, day, false);
        continue;
      }
      const policy = options.policies[bucket]!;
      const sessions = 1 + poisson(population.extraSessions[user]!, random);
      let satisfactionSum = 0;
      let count = 0;
      for (let session = 0; session < sessions; session++) {
        const hour = sessionHour(population.peakHour[user]!, random);
        let time = dayStart + hour * 3_600_000 + Math.floor(random.next() * 3_600_000);
        let recent = reference.mean;
        let shown = 0;
        let leaving = false;
        while (!leaving && shown < design.maxSessionImpressions) {
          request.user = user;
          request.day = day;
          request.hour = Math.floor((time - dayStart) / 3_600_000) % 24;
          request.history = state.histories[user]!.recent();
          request.seen = state.seen[user]!;
          policy.rank(request, page);
          impression.request++;
          for (let k = 0; k < pageSize && !leaving; k++) {
            const item = page[k]!;
            const author = catalogue.author[item]!;
            const following = state.fans.isFollowing(user, author);
            const affinity = taste(world, user, item) + (following ? responseDesign.followBonus : 0);
            respond(
              params,
              affinity,
              population.expressiveness[user]!,
              catalogue.durationMs[item]!,
              !following,
              random,
              outcome,
            );
            const hour = Math.floor((time - dayStart) / 3_600_000) % 24;
            impression.user = user;
            impression.item = item;
            impression.day = day;
            impression.timeMs = time;
            impression.hour = hour;
            impression.bucket = bucket;
            impression.position = k;
            impression.affinity = affinity;
            impression.canFollow = !following;
            options.sink.impression(impression);
            state.seen[user]!.add(item);
            if (outcome.click) state.histories[user]!.push(item);
            if (outcome.follow) state.fans.follow(user, author);
            state.fans.recordWatch(user, hour);
            impressions++;
            shown++;
            satisfactionSum += outcome.satisfaction;
            count++;
            time += outcome.playTimeMs + design.swipeSeconds * 1000;
            recent += design.sessionMemory * (outcome.satisfaction - recent);
            const leave =
              design.leaveBase +
              (design.leaveSatisfaction * (reference.mean - recent)) / reference.sd +
              design.leaveHate * outcome.hate;
            if (random.next() < sigmoid(leave)) leaving = true;
          }
        }
      }
      state.daySatisfaction[user]! +=
        design.dayMemory * (satisfactionSum / count - state.daySatisfaction[user]!);
      options.sink.userDay?.(user, day, true);
    }
    state.day++;
    progress.update(step + 1, { impressions });
  }
  progress.stop();
  return impressions;
}

/** Poisson draw by inversion (small means). */
function poisson(mean: number, random: Random): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let product = random.next();
  while (product > limit) {
    k++;
    product *= random.next();
  }
  return k;
}
