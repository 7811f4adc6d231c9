import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
import { isStopWord } from './stop-words.js';

/** One word and its part-of-speech tag (jieba's ICTCLAS-style tags: n noun, v verb, a adjective, eng English...). */
export interface TaggedToken {
  word: string;
  tag: string;
}

let shared: Jieba | undefined;

/**
 * The jieba instance with its bundled dictionary, built once (loading the ~5 MB
 * dictionary costs ~0.3 s). The dictionary module is CommonJS; DEPENDENCIES.md
 * says to load it as `@node-rs/jieba/dict.js`.
 */
function jieba(): Jieba {
  if (shared === undefined) {
    const require = createRequire(import.meta.url);
    const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
    shared = Jieba.withDict(dict);
  }
  return shared;
}

const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/** Lower-cases Latin text and folds full-width ASCII (ＡＢＣ１２３) to half-width, so variants share one token. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * Chinese and English word segmentation (jieba, precise mode without HMM, so
 * the result depends only on the dictionary). Returns normalised words; spaces
 * and punctuation are dropped, and stop words too unless `keepStopWords`.
 */
export function segment(text: string, options: { keepStopWords?: boolean } = {}): string[] {
  const words: string[] = [];
  for (const raw of jieba().cut(normalizeText(text), false)) {
    const word = raw.trim();
    if (word === '' || !WORD_CHARACTER.test(word)) continue;
    if (!options.keepStopWords && isStopWord(word)) continue;
    words.push(word);
  }
  return words;
}

/** Segmentation with part-of-speech tags; punctuation and spaces dropped, stop words kept. */
export function tagWords(text: string): TaggedToken[] {
  return jieba()
    .tag(normalizeText(text), false)
    .map(({ word, tag }) => ({ word: word.trim(), tag }))
    .filter(({ word }) => word !== '' && WORD_CHARACTER.test(word));
}
