/**
 * The feedback signals the reward model predicts, in head order: the eight binary
 * KuaiRand signals, then the duration-aware watch time (a soft target in [0, 1]).
 */
export const binaryHeads = [
  'is_click',
  'long_view',
  'is_like',
  'is_follow',
  'is_comment',
  'is_forward',
  'is_hate',
  'is_profile_enter',
] as const;

export type BinaryHead = (typeof binaryHeads)[number];

export const watchHead = 'watch_pct';

export const headNames = [...binaryHeads, watchHead] as const;

export type HeadName = (typeof headNames)[number];

export const numBinary = binaryHeads.length;
export const numHeads = headNames.length;

export const hateIndex = binaryHeads.indexOf('is_hate');
