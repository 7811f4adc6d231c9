/**
 * Share of the tag's character bigrams (single characters for a one-character
 * tag) that occur in `text`: 1 when the caption spells the tag out, 0 when it
 * shares nothing with it. Both sides should be normalised alike.
 */
export function characterOverlap(tag: string, text: string): number {
  const characters = [...tag];
  if (characters.length === 0 || text === '') return 0;
  if (characters.length === 1) return text.includes(characters[0]!) ? 1 : 0;
  let found = 0;
  for (let k = 0; k + 1 < characters.length; k++) {
    if (text.includes(characters[k]! + characters[k + 1]!)) found++;
  }
  return found / (characters.length - 1);
}

/** Levenshtein distance over code points (two rows, O(|a| |b|)). */
export function editDistance(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  let previous = Array.from({ length: right.length + 1 }, (_, k) => k);
  let current = new Array<number>(right.length + 1);
  for (let i = 1; i <= left.length; i++) {
    current[0] = i;
    for (let j = 1; j <= right.length; j++) {
      const substitution = previous[j - 1]! + (left[i - 1] === right[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[right.length]!;
}

/** 1 - distance / longer length: 1 for equal strings, 0 for nothing in common. */
export function editSimilarity(a: string, b: string): number {
  const longer = Math.max([...a].length, [...b].length);
  return longer === 0 ? 1 : 1 - editDistance(a, b) / longer;
}
