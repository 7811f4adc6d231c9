/**
 * How deep arrays and objects may nest in JSON that genfeed reads from outside
 * (request bodies, import lines). Real records nest 3 or 4 levels; the limit
 * keeps every later step that walks a value by recursion (zod, `JSON.stringify`
 * in an error message) far from the stack's end.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * The offset of the first `[` or `{` in a JSON text that opens level
 * `maxDepth + 1`, or -1 when none does. One pass over the characters, without
 * recursion, meant to run before `JSON.parse`: a body of nothing but `[[[[`
 * costs linear time and is refused before a deep value is ever built. The text
 * need not be valid JSON (strings are skipped with their escapes; everything
 * else is the parser's to judge).
 */
export function excessNestingOffset(text: string, maxDepth = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      if (++depth > maxDepth) return index;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) depth--;
  }
  return -1;
}
