import type { Random } from '../core/index.js';

/**
 * How one impression turns into behaviour (docs/simulate.md, "Response model").
 * The design constants are chosen; the intercepts and indicator coefficients in
 * `ResponseParams` are fitted by `calibrate.ts` to SIGNAL_STATS.md.
 */
export const responseDesign = {
  /** Sd of the per-impression taste noise added to the standardised affinity. */
  tasteNoise: 0.6,
  /** Sd of the noise on the watch fraction's logit. */
  watchNoise: 1.0,
  /** Chance a completed video is replayed (part of it, uniformly). */
  replay: 0.08,
  /** Weight of taste t on each engagement logit (hate: negative). */
  tasteWeight: { like: 0.8, follow: 0.8, comment: 0.5, forward: 0.5, hate: -0.8, profileEnter: 0.5 },
  /** Weight of the user's expressiveness on like / follow / comment / forward logits. */
  expressiveWeight: 0.8,
  /** Taste bonus for items of an author the user follows. */
  followBonus: 0.5,
  /** is_profile_enter has no published rate: fixed logit = base + click + like + follow terms (assumed). */
  profileEnter: { base: -5.2, click: 1.2, like: 1.5, follow: 3 },
  /** Mean profile / comment stay (ms) when entered / commented (exponential; assumed). */
  profileStayMs: 8_000,
  commentStayMs: 15_000,
} as const;

/** Thresholds of the KuaiRand definitions: is_click = valid play (> 7 s or whole video); long_view (>= 18 s or whole). */
export const CLICK_MS = 7_000;
export const LONG_VIEW_MS = 18_000;

/** The fitted part. Coefficient vectors: [intercept, click, long_view] or [intercept, click, long_view, like]. */
export interface ResponseParams {
  keep: number;
  watch: number;
  like: number[];
  follow: number[];
  comment: number[];
  forward: number[];
  hate: number[];
}

/** Where the fit starts, and what the calibration run is simulated with: the values fitted on the shipped summary. */
export const initialParams: ResponseParams = {
  keep: -1.14,
  watch: -1.35,
  like: [-6.23, 1.29, -0.48],
  follow: [-9.51, 1.43, -0.81, 1.78],
  comment: [-9.66, 2.43, 0.78, 0.44],
  forward: [-9.18, 1.78, -0.33, 0.61],
  hate: [-7.48, 0.79, -0.13],
};

/** One impression's outcome; reused between impressions to stay allocation-free. */
export interface Outcome {
  /** Realised taste t (standardised affinity + noise): the latent cause of every signal. */
  taste: number;
  /** Hidden ground-truth satisfaction sigma(t) (minus the temptation's cost in a satisfaction world), never logged. */
  satisfaction: number;
  /** What the user feels while watching, which decides leaving now: sigma(t) plus any allure (equal to `satisfaction` in today's world). */
  experienced: number;
  playTimeMs: number;
  click: number;
  longView: number;
  like: number;
  follow: number;
  comment: number;
  forward: number;
  hate: number;
  profileEnter: number;
  profileStayMs: number;
  commentStayMs: number;
}

export function emptyOutcome(): Outcome {
  return {
    taste: 0,
    satisfaction: 0,
    experienced: 0,
    playTimeMs: 0,
    click: 0,
    longView: 0,
    like: 0,
    follow: 0,
    comment: 0,
    forward: 0,
    hate: 0,
    profileEnter: 0,
    profileStayMs: 0,
    commentStayMs: 0,
  };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * How a satisfaction world (satisfaction-world.ts) bends one impression's
 * response: logit shifts on keep and watch, the value lost to allure, and the
 * user's own propensity per explicit signal. Absent: today's world.
 */
export interface ResponseShape {
  keepShift: number;
  watchShift: number;
  /** Subtracted from the taste for the hidden satisfaction only. */
  valueShift: number;
  /** Logit offsets of like, follow, comment, forward (today: 0.8 x expressiveness for all four). */
  like: number;
  follow: number;
  comment: number;
  forward: number;
}

/** Watch time of one impression: swipe away before a valid play, or watch a taste-driven fraction. */
export function playTime(
  params: ResponseParams,
  taste: number,
  durationMs: number,
  random: Random,
  keepShift = 0,
  watchShift = 0,
): number {
  const firstPart = Math.min(durationMs, CLICK_MS);
  if (random.next() >= sigmoid(params.keep + taste + keepShift))
    return firstPart * (0.02 + 0.97 * random.next());
  const rest = durationMs - firstPart;
  // Watch fraction of the rest; the clip at 1 is the mass of complete views.
  const fraction =
    1.25 * sigmoid(params.watch + taste + responseDesign.watchNoise * random.normal() + watchShift) - 0.1;
  // The floor keeps a kept view a valid play (> 7 s) even at fraction 0.
  if (fraction < 1 && rest > 0) return firstPart + Math.max(fraction, 0.001) * rest;
  return random.next() < responseDesign.replay ? durationMs * (1 + random.next()) : durationMs;
}

export function isClick(playTimeMs: number, durationMs: number): number {
  return durationMs <= CLICK_MS ? Number(playTimeMs >= durationMs) : Number(playTimeMs > CLICK_MS);
}

export function isLongView(playTimeMs: number, durationMs: number): number {
  return durationMs <= LONG_VIEW_MS ? Number(playTimeMs >= durationMs) : Number(playTimeMs >= LONG_VIEW_MS);
}

/**
 * Samples every signal of one impression into `out`. `affinity` is the
 * standardised taste z (plus any follow bonus); `canFollow` is false when the
 * user already follows the author; `shape`, in a satisfaction world, bends the
 * response (its propensities then replace `expressiveness`).
 */
export function respond(
  params: ResponseParams,
  affinity: number,
  expressiveness: number,
  durationMs: number,
  canFollow: boolean,
  random: Random,
  out: Outcome,
  shape?: ResponseShape,
): Outcome {
  const weights = responseDesign.tasteWeight;
  const taste = affinity + responseDesign.tasteNoise * random.normal();
  const play = shape
    ? playTime(params, taste, durationMs, random, shape.keepShift, shape.watchShift)
    : playTime(params, taste, durationMs, random);
  const click = isClick(play, durationMs);
  const longView = isLongView(play, durationMs);
  const expressive = responseDesign.expressiveWeight * expressiveness;
  const like = draw(
    logit3(params.like, click, longView) + weights.like * taste + (shape ? shape.like : expressive),
    random,
  );
  const follow = canFollow
    ? draw(
        logit4(params.follow, click, longView, like) +
          weights.follow * taste +
          (shape ? shape.follow : expressive),
        random,
      )
    : 0;
  const comment = draw(
    logit4(params.comment, click, longView, like) +
      weights.comment * taste +
      (shape ? shape.comment : expressive),
    random,
  );
  const forward = draw(
    logit4(params.forward, click, longView, like) +
      weights.forward * taste +
      (shape ? shape.forward : expressive),
    random,
  );
  const hate = draw(logit3(params.hate, click, longView) + weights.hate * taste, random);
  const profile = responseDesign.profileEnter;
  const profileEnter = draw(
    profile.base +
      profile.click * click +
      profile.like * like +
      profile.follow * follow +
      weights.profileEnter * taste,
    random,
  );
  out.taste = taste;
  out.satisfaction = shape ? sigmoid(taste - shape.valueShift) : sigmoid(taste);
  out.experienced = shape ? sigmoid(taste + shape.keepShift) : out.satisfaction;
  out.playTimeMs = Math.round(play);
  out.click = click;
  out.longView = longView;
  out.like = like;
  out.follow = follow;
  out.comment = comment;
  out.forward = forward;
  out.hate = hate;
  out.profileEnter = profileEnter;
  out.profileStayMs = profileEnter
    ? Math.round(-responseDesign.profileStayMs * Math.log(1 - random.next()))
    : 0;
  out.commentStayMs = comment ? Math.round(-responseDesign.commentStayMs * Math.log(1 - random.next())) : 0;
  return out;
}

export function logit3(coefficients: readonly number[], click: number, longView: number): number {
  return coefficients[0]! + coefficients[1]! * click + coefficients[2]! * longView;
}

export function logit4(
  coefficients: readonly number[],
  click: number,
  longView: number,
  like: number,
): number {
  return coefficients[0]! + coefficients[1]! * click + coefficients[2]! * longView + coefficients[3]! * like;
}

function draw(logit: number, random: Random): number {
  return random.next() < sigmoid(logit) ? 1 : 0;
}
