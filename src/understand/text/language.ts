export type Language = 'zh' | 'en' | 'mixed' | 'other';

/** Share of the text's units one script must hold for the text to count as that language. */
const DOMINANT = 0.8;

/**
 * Language by script: Han characters count one unit each (a Chinese character
 * is roughly a word), Latin text one unit per word, letters of any other script
 * (kana, Hangul, Cyrillic, ...) one unit each. `zh` or `en` when that script
 * holds >= 80% of the units, `other` when other scripts do or the text has no
 * letters at all, `mixed` otherwise. Kana or Hangul alongside Han make it `other`
 * (Japanese, Korean), since those scripts never appear in Chinese text.
 */
export function detectLanguage(text: string): Language {
  let han = 0;
  let other = 0;
  for (const character of text) {
    if (/\p{Script=Han}/u.test(character)) han++;
    else if (/\p{L}/u.test(character) && !/\p{Script=Latin}/u.test(character)) other++;
  }
  const latinWords = text.match(/\p{Script=Latin}+/gu)?.length ?? 0;
  const total = han + latinWords + other;
  if (total === 0) return 'other';
  if (han / total >= DOMINANT) return 'zh';
  if (latinWords / total >= DOMINANT) return 'en';
  if (
    other / total >= 0.5 ||
    (other > 0 && han > 0 && /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(text))
  )
    return 'other';
  return 'mixed';
}
