import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';

let segmenter: Jieba | undefined;

/** Loaded on first use: the bundled dictionary is ~5 MB and costs a few tenths of a second. */
function jieba(): Jieba {
  if (!segmenter) {
    // The dictionary module is CommonJS (docs: import it as `@node-rs/jieba/dict.js`).
    const { dict } = createRequire(import.meta.url)('@node-rs/jieba/dict.js') as { dict: Uint8Array };
    segmenter = Jieba.withDict(dict);
  }
  return segmenter;
}

const hasWordCharacter = /[\p{L}\p{N}]/u;
const hasHan = /\p{Script=Han}/u;

/**
 * Words of a caption or title: Chinese by jieba's dictionary (precise mode, no
 * HMM, so results depend only on the dictionary), other scripts by spaces and
 * punctuation; NFKC-folded and lower-cased, punctuation dropped.
 */
export function wordsOf(text: string): string[] {
  const normal = text.normalize('NFKC').toLowerCase();
  const pieces = hasHan.test(normal) ? jieba().cut(normal, false) : normal.split(/[^\p{L}\p{N}']+/u);
  return pieces
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0 && hasWordCharacter.test(piece));
}
