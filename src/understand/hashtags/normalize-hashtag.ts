import { toSimplified } from './traditional-chinese.js';

const NOT_WORD = /[^\p{L}\p{N}]+/gu;
/** Three or more of one character in a row (哈哈哈哈, !!!, 热门热门 is not caught: it is two characters). */
const REPEATED = /(.)\1{2,}/gu;

/**
 * The key variants of one hashtag share: NFKC (full-width ＡＢＣ１ to half-width,
 * compatibility forms folded), lower case, traditional to simplified for the
 * common characters, every emoji, space, `#` and punctuation removed, and runs of
 * three or more of one character cut to two (哈哈哈哈 -> 哈哈, 好好 stays).
 * Returns '' when nothing word-like is left (a tag of only emoji).
 */
export function normalizeHashtag(tag: string): string {
  const folded = toSimplified(tag.normalize('NFKC').toLowerCase()).replace(NOT_WORD, '');
  return folded.replace(REPEATED, '$1$1');
}
