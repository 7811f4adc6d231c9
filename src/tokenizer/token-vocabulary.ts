/**
 * One flat output vocabulary for a decoder over semantic IDs: level l owns the
 * token range [offset(l), offset(l) + levelSizes[l]), levels laid out one after
 * another from `firstToken` (ids below it are left to the decoder's special
 * tokens). With L = 3, K = 256 and a disambiguation level of size D:
 * level 0 -> [0, 256), level 1 -> [256, 512), level 2 -> [512, 768),
 * disambiguation -> [768, 768 + D); size 768 + D. Codes keep their level, so
 * the same code at two levels is two tokens.
 */
export class TokenVocabulary {
  readonly levelSizes: readonly number[];
  readonly firstToken: number;
  readonly #offsets: Int32Array;

  constructor(levelSizes: readonly number[], firstToken = 0) {
    if (levelSizes.length === 0 || !levelSizes.every((size) => Number.isInteger(size) && size >= 1)) {
      throw new RangeError(
        `TokenVocabulary: level sizes must be integers >= 1, got [${levelSizes.join(', ')}]`,
      );
    }
    if (!Number.isInteger(firstToken) || firstToken < 0) {
      throw new RangeError(`TokenVocabulary: firstToken must be an integer >= 0, got ${firstToken}`);
    }
    this.levelSizes = Object.freeze([...levelSizes]);
    this.firstToken = firstToken;
    this.#offsets = new Int32Array(levelSizes.length + 1);
    this.#offsets[0] = firstToken;
    levelSizes.forEach((size, level) => {
      this.#offsets[level + 1] = this.#offsets[level]! + size;
    });
  }

  get levels(): number {
    return this.levelSizes.length;
  }

  /** One past the largest token id: the decoder's output size. */
  get size(): number {
    return this.#offsets[this.levels]!;
  }

  /** The first token id of `level`. */
  offset(level: number): number {
    this.#checkLevel(level);
    return this.#offsets[level]!;
  }

  token(level: number, code: number): number {
    this.#checkLevel(level);
    if (!Number.isInteger(code) || code < 0 || code >= this.levelSizes[level]!) {
      throw new RangeError(`Code ${code} is outside level ${level} (size ${this.levelSizes[level]})`);
    }
    return this.#offsets[level]! + code;
  }

  /** The level a token belongs to, or -1 for tokens outside every level (special tokens). */
  levelOf(token: number): number {
    for (let level = 0; level < this.levels; level++) {
      if (token >= this.#offsets[level]! && token < this.#offsets[level + 1]!) return level;
    }
    return -1;
  }

  /** The code of `token`, which must lie in `level`'s range. */
  code(level: number, token: number): number {
    const code = token - this.offset(level);
    if (code < 0 || code >= this.levelSizes[level]!) {
      throw new RangeError(`Token ${token} is not a level ${level} token`);
    }
    return code;
  }

  /** Tokens of a full semantic ID (one per level). */
  tokens(semanticId: ArrayLike<number>): Int32Array {
    if (semanticId.length !== this.levels) {
      throw new RangeError(`A semantic ID has ${this.levels} codes, got ${semanticId.length}`);
    }
    return Int32Array.from({ length: this.levels }, (_, level) => this.token(level, semanticId[level]!));
  }

  /** The semantic ID (codes) of tokens for levels 0..tokens.length-1. */
  semanticId(tokens: ArrayLike<number>): Int32Array {
    if (tokens.length > this.levels)
      throw new RangeError(`At most ${this.levels} tokens, got ${tokens.length}`);
    return Int32Array.from({ length: tokens.length }, (_, level) => this.code(level, tokens[level]!));
  }

  #checkLevel(level: number): void {
    if (!Number.isInteger(level) || level < 0 || level >= this.levels) {
      throw new RangeError(`Level ${level} is outside [0, ${this.levels})`);
    }
  }
}
