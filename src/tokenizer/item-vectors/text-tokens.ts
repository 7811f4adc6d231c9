const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /[\p{L}\p{N}\p{M}]/u;

/**
 * Tokens of free text without an external tokenizer: runs of CJK characters give
 * character n-grams (unigrams and bigrams by default: Chinese has no spaces and
 * bigrams carry most of the meaning of short captions), other letter/digit runs
 * give lower-cased words.
 */
export function textTokens(text: string, cjkNgrams: readonly number[] = [1, 2]): string[] {
  const tokens: string[] = [];
  let cjkRun: string[] = [];
  let word = '';
  const flushCjk = (): void => {
    for (const n of cjkNgrams) {
      for (let i = 0; i + n <= cjkRun.length; i++) tokens.push(cjkRun.slice(i, i + n).join(''));
    }
    cjkRun = [];
  };
  const flushWord = (): void => {
    if (word !== '') tokens.push(word.toLowerCase());
    word = '';
  };
  for (const character of text) {
    if (CJK.test(character)) {
      flushWord();
      cjkRun.push(character);
    } else if (WORD.test(character)) {
      flushCjk();
      word += character;
    } else {
      flushCjk();
      flushWord();
    }
  }
  flushCjk();
  flushWord();
  return tokens;
}
