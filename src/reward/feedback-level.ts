import { binaryHeads, numBinary } from './signals.js';

const CLICK = binaryHeads.indexOf('is_click');
const HATE = binaryHeads.indexOf('is_hate');

/**
 * The relative-satisfaction order of the pairwise loss (EMER's "more positive
 * feedback > less > none", docs/reward.md): a hate is below everything (-1);
 * otherwise the count of positive signals among is_click, long_view, is_like,
 * is_follow, is_comment, is_forward, is_profile_enter. So no feedback = 0, a
 * valid play = 1, a long view = 2 (it implies the click), a liked long view = 3.
 */
export function feedbackLevel(signals: Uint8Array, row: number): number {
  const base = row * numBinary;
  if (signals[base + HATE] === 1) return -1;
  let level = 0;
  for (let s = CLICK; s < numBinary; s++) if (s !== HATE) level += signals[base + s]!;
  return level;
}

const WATCHING = new Set([CLICK, binaryHeads.indexOf('long_view'), HATE]);

/**
 * The duration-aware variant's discrete part (docs/reward.md): hate -1, else the
 * count of engagement signals (like, follow, comment, forward, profile enter).
 * Valid play and long view are left out: both are play-time thresholds that a
 * short video passes by being short; the watch percentile within the duration
 * bucket grades the watching instead.
 */
export function engagementLevel(signals: Uint8Array, row: number): number {
  const base = row * numBinary;
  if (signals[base + HATE] === 1) return -1;
  let level = 0;
  for (let s = 0; s < numBinary; s++) if (!WATCHING.has(s)) level += signals[base + s]!;
  return level;
}
