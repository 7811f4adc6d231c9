import type { Random } from '../core/index.js';
import type { Reference } from './reference.js';
import {
  emptyOutcome,
  type Outcome,
  type ResponseParams,
  respond,
  responseDesign,
  sigmoid,
} from './response-model.js';
import { emptyShape, fillShape, satisfactionDesign } from './satisfaction-world.js';
import type { SimulationState } from './simulation-state.js';
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

const HOUR_MS = 3_600_000;

/** The calibrated world a session runs in and the users' changing state (mutated). */
export interface SessionContext {
  world: World;
  params: ResponseParams;
  reference: Reference;
  state: SimulationState;
}

/** Who watches, from when, with which draws. */
export interface SessionStart {
  user: number;
  /** Unix ms of the simulated day's midnight (hours are counted from it). */
  dayStart: number;
  /** Unix ms the session opens. */
  timeMs: number;
  random: Random;
}

/** One watched item as the session hands it on (one object, reused: copy what you keep). */
export interface Watched {
  item: number;
  /** Rank within its page (0 = first shown). */
  position: number;
  /** Unix ms it started playing. */
  timeMs: number;
  hour: number;
  /** Standardised taste including the follow bonus (what the response saw). */
  affinity: number;
  canFollow: boolean;
  outcome: Outcome;
}

/** A page as the session watches it: world item indices in the order shown, -1 for an item not of this world (skipped). */
export type SessionPage = ArrayLike<number>;

/**
 * How a session gets its pages and what becomes of each response: `page` is
 * asked at the session's clock and gives undefined to end the session (a failed
 * request, a stopped run); `record` sees every watched item before the user's
 * state takes it in.
 */
export interface SessionIo<Page> {
  page(timeMs: number): Page;
  record(watched: Watched): void;
}

export interface SessionTotals {
  /** Sum of the hidden satisfaction of the session's impressions. */
  satisfaction: number;
  impressions: number;
}

/** Runs a session whose pages come at once (the simulator ranks them in-process). */
export function runSession(
  context: SessionContext,
  start: SessionStart,
  io: SessionIo<SessionPage | undefined>,
): SessionTotals {
  const steps = sessionSteps(context, start, io.record);
  let step = steps.next();
  while (!step.done) step = steps.next(io.page(step.value));
  return step.value;
}

/** Runs a session whose pages arrive later (the traffic driver asks a server over HTTP). */
export async function runSessionAsync(
  context: SessionContext,
  start: SessionStart,
  io: SessionIo<Promise<SessionPage | undefined>>,
): Promise<SessionTotals> {
  const steps = sessionSteps(context, start, io.record);
  let step = steps.next();
  while (!step.done) step = steps.next(await io.page(step.value));
  return step.value;
}

/**
 * One session (docs/simulate.md, "Sessions and days"): the user asks a page,
 * watches its items one by one with the calibrated response model, and after
 * each item may leave, the likelier the lower the running satisfaction and
 * after a hate; a page with nothing watched, or `maxSessionImpressions`, ends
 * it. A generator so that one loop serves synchronous and asynchronous pages:
 * it yields the time it wants the next page at and is resumed with the page.
 */
function* sessionSteps(
  context: SessionContext,
  start: SessionStart,
  record: (watched: Watched) => void,
): Generator<number, SessionTotals, SessionPage | undefined> {
  const { world, params, reference, state } = context;
  const { catalogue, population } = world;
  const { user, dayStart, random } = start;
  const design = dynamicsDesign;
  const watched: Watched = {
    item: 0,
    position: 0,
    timeMs: 0,
    hour: 0,
    affinity: 0,
    canFollow: true,
    outcome: emptyOutcome(),
  };
  const outcome = watched.outcome;
  const departures = world.departures;
  const shape = departures ? fillShape(departures, user, 0, emptyShape()) : undefined;
  // The satisfaction stock of the recent days keeps satisfied users longer (departure 4).
  const stayLonger = departures
    ? departures.strengths.longRun * satisfactionDesign.stockSession * state.satisfactionStock[user]!
    : 0;
  let time = start.timeMs;
  let recent = reference.mean;
  let impressions = 0;
  let satisfaction = 0;
  let leaving = false;
  while (!leaving && impressions < design.maxSessionImpressions) {
    const page = yield time;
    if (page === undefined) break;
    let shown = 0;
    for (let position = 0; position < page.length && !leaving; position++) {
      const item = page[position]!;
      if (item < 0) continue;
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
        shape && fillShape(departures!, user, item, shape),
      );
      const hour = Math.floor((time - dayStart) / HOUR_MS) % 24;
      watched.item = item;
      watched.position = position;
      watched.timeMs = time;
      watched.hour = hour;
      watched.affinity = affinity;
      watched.canFollow = !following;
      record(watched);
      state.seen[user]!.add(item);
      if (outcome.click) state.histories[user]!.push(item);
      if (outcome.follow) state.fans.follow(user, author);
      state.fans.recordWatch(user, hour);
      shown++;
      impressions++;
      satisfaction += outcome.satisfaction;
      time += outcome.playTimeMs + design.swipeSeconds * 1000;
      // Leaving now follows what the user feels (allure included); the hidden satisfaction counts later.
      recent += design.sessionMemory * (outcome.experienced - recent);
      const leave =
        design.leaveBase +
        (design.leaveSatisfaction * (reference.mean - recent)) / reference.sd +
        design.leaveHate * outcome.hate -
        stayLonger;
      if (random.next() < sigmoid(leave)) leaving = true;
    }
    if (shown === 0) break;
  }
  return { satisfaction, impressions };
}

/**
 * Whether `user` comes back today: their return logit, moved by the recent days'
 * satisfaction. In a satisfaction world also by the accumulated stock, and a
 * user may churn for good first (hazard 2 sigma(-stock) x the churn rate).
 */
export function returnsToday(context: SessionContext, user: number, random: Random): boolean {
  const { world, reference, state } = context;
  const drift = (state.daySatisfaction[user]! - reference.mean) / reference.sd;
  const departures = world.departures;
  if (!departures)
    return (
      random.next() < sigmoid(world.population.returnLogit[user]! + dynamicsDesign.returnSatisfaction * drift)
    );
  if (state.churned[user]) return false;
  const longRun = departures.strengths.longRun;
  const stock = state.satisfactionStock[user]!;
  const hazard = longRun * satisfactionDesign.churnHazard * 2 * sigmoid(-stock);
  if (hazard > 0 && random.next() < hazard) {
    state.churned[user] = 1;
    return false;
  }
  return (
    random.next() <
    sigmoid(
      world.population.returnLogit[user]! +
        dynamicsDesign.returnSatisfaction * drift +
        longRun * satisfactionDesign.stockReturn * stock,
    )
  );
}

/** Sessions of a returning user today: 1 plus a Poisson draw of their extra sessions. */
export function sessionsToday(world: World, user: number, random: Random): number {
  return 1 + poisson(world.population.extraSessions[user]!, random);
}

/**
 * The day's mean satisfaction moves the user's return probability; a user who
 * watched nothing keeps theirs. Every user's hidden satisfaction is summed, and
 * the satisfaction stock (departure 4; RecSim's net positive exposure) decays by
 * `stockMemory` and takes in the day's mean, in standard units of the reference.
 * Call it for inactive days too (`totals` empty): the stock then only decays.
 */
export function endUserDay(
  state: SimulationState,
  user: number,
  totals: SessionTotals,
  reference?: Reference,
): void {
  state.satisfactionTotal[user]! += totals.satisfaction;
  const stock = satisfactionDesign.stockMemory * state.satisfactionStock[user]!;
  if (totals.impressions === 0) {
    state.satisfactionStock[user] = stock;
    return;
  }
  const dayMean = totals.satisfaction / totals.impressions;
  if (reference) state.satisfactionStock[user] = stock + (dayMean - reference.mean) / reference.sd;
  state.daySatisfaction[user]! += dynamicsDesign.dayMemory * (dayMean - state.daySatisfaction[user]!);
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
