import { ConflictError } from '../core/index.js';
import { checkItemVectors, type ItemVectors } from './item-vectors/item-vectors.js';
import { codebookDefaults } from './kmeans/fit-codebook.js';
import { nearestCandidates } from './kmeans/nearest-candidates.js';
import { type ResidualKmeansOptions, residualKmeans } from './kmeans/residual-kmeans.js';
import { type PrefixLookup, PrefixTrie } from './prefix-trie.js';
import { TokenVocabulary } from './token-vocabulary.js';

export interface SemanticTokenizerOptions extends ResidualKmeansOptions {
  /**
   * Size of the disambiguation level's token range: items per L-code path at
   * most (default: twice the most crowded path at fit time, so cold-start items
   * have room).
   */
  disambiguationCapacity?: number;
  /** First token id of the vocabulary; ids below are the decoder's special tokens (default 0). */
  firstToken?: number;
}

/** What a tokenizer is made of; what a checkpoint stores. */
export interface SemanticTokenizerParts {
  /** One [codebookSize, dim] table per level. */
  codebooks: readonly Float32Array[];
  dim: number;
  /** Each item's semantic ID, [items, levels + 1]: L codes then the disambiguation index. */
  semanticIds: Int32Array;
  disambiguationCapacity: number;
  firstToken: number;
  /** How the codebooks were fitted, kept so a run can be reproduced from its checkpoint. */
  training?: TokenizerTraining;
}

/** The resolved fit settings (defaults filled in). */
export interface TokenizerTraining {
  seed: number;
  iterations: number;
  tolerance: number;
  balanced: boolean;
  candidates: number;
}

export interface ColdStartAssignment {
  item: number;
  /** levels + 1 codes. */
  semanticId: Int32Array;
}

/**
 * Semantic IDs of items (TIGER, arXiv 2305.05065; OneRec, arXiv 2506.13695): L
 * residual k-means codes plus one disambiguation position numbering the items
 * that share an L-code path 0, 1, 2, ... in item order. Holds the codebooks,
 * the item -> ID table, the prefix trie of valid IDs and the token vocabulary a
 * decoder uses; new items join through `assign` without retraining.
 */
export class SemanticTokenizer {
  readonly levels: number;
  readonly codebookSize: number;
  readonly dim: number;
  /** levels + 1: the length of a full semantic ID. */
  readonly depth: number;
  readonly disambiguationCapacity: number;
  /** Fit settings, when known (fitted here or loaded from a checkpoint that has them). */
  readonly training: TokenizerTraining | undefined;
  /** The valid IDs, read-only: items join only through `assign`, which keeps the table in step. */
  readonly trie: PrefixLookup;
  readonly vocabulary: TokenVocabulary;
  readonly #trie: PrefixTrie;
  readonly #codebooks: Float32Array[];
  #semanticIds: Int32Array;
  #items: number;

  constructor(parts: SemanticTokenizerParts) {
    const { codebooks, dim, semanticIds, disambiguationCapacity } = parts;
    if (codebooks.length === 0) throw new RangeError('SemanticTokenizer: no codebooks');
    const codebookSize = codebooks[0]!.length / dim;
    if (!Number.isInteger(codebookSize) || codebookSize < 1) {
      throw new RangeError(
        `SemanticTokenizer: a codebook of ${codebooks[0]!.length} values is not [K, ${dim}]`,
      );
    }
    codebooks.forEach((codebook, level) => {
      if (codebook.length !== codebookSize * dim) {
        throw new RangeError(
          `SemanticTokenizer: codebook ${level} holds ${codebook.length} values, expected [${codebookSize}, ${dim}]`,
        );
      }
    });
    this.levels = codebooks.length;
    this.codebookSize = codebookSize;
    this.dim = dim;
    this.depth = this.levels + 1;
    if (semanticIds.length % this.depth !== 0) {
      throw new RangeError(`SemanticTokenizer: ${semanticIds.length} codes are not rows of ${this.depth}`);
    }
    this.#items = semanticIds.length / this.depth;
    for (let i = 0; i < semanticIds.length; i++) {
      const limit = i % this.depth === this.levels ? disambiguationCapacity : codebookSize;
      const code = semanticIds[i]!;
      if (!Number.isInteger(code) || code < 0 || code >= limit) {
        throw new RangeError(
          `SemanticTokenizer: item ${Math.floor(i / this.depth)} has code ${code} at level ${i % this.depth}, outside [0, ${limit})`,
        );
      }
    }
    this.#codebooks = codebooks.map((codebook) => codebook.slice());
    this.#semanticIds = semanticIds.slice();
    this.disambiguationCapacity = disambiguationCapacity;
    this.training = parts.training === undefined ? undefined : { ...parts.training };
    this.#trie = PrefixTrie.build(this.#semanticIds, this.depth);
    this.trie = this.#trie;
    this.vocabulary = new TokenVocabulary(
      [...Array.from({ length: this.levels }, () => codebookSize), disambiguationCapacity],
      parts.firstToken,
    );
  }

  /** Fits RQ-Kmeans codebooks on `itemVectors` (row i = item i) and numbers colliding paths. */
  static fit(itemVectors: ItemVectors, options: SemanticTokenizerOptions = {}): SemanticTokenizer {
    checkItemVectors(itemVectors, 'SemanticTokenizer.fit');
    const fitted = residualKmeans(itemVectors, options);
    const levels = fitted.codebooks.length;
    const depth = levels + 1;
    const { count } = itemVectors;
    const semanticIds = new Int32Array(count * depth);
    const nextIndex = new Map<string, number>();
    let crowded = 0;
    for (let item = 0; item < count; item++) {
      const path = fitted.codes.subarray(item * levels, (item + 1) * levels);
      const key = path.join(',');
      const index = nextIndex.get(key) ?? 0;
      nextIndex.set(key, index + 1);
      crowded = Math.max(crowded, index + 1);
      semanticIds.set(path, item * depth);
      semanticIds[item * depth + levels] = index;
    }
    const disambiguationCapacity = options.disambiguationCapacity ?? 2 * crowded;
    if (disambiguationCapacity < crowded) {
      throw new RangeError(
        `disambiguationCapacity ${disambiguationCapacity} is below the ${crowded} items of the most crowded path`,
      );
    }
    return new SemanticTokenizer({
      codebooks: fitted.codebooks,
      dim: itemVectors.dim,
      semanticIds,
      disambiguationCapacity,
      firstToken: options.firstToken ?? 0,
      training: {
        seed: options.seed ?? 0,
        iterations: options.iterations ?? codebookDefaults.iterations,
        tolerance: options.tolerance ?? codebookDefaults.tolerance,
        balanced: options.balanced ?? codebookDefaults.balanced,
        candidates: options.candidates ?? codebookDefaults.candidates,
      },
    });
  }

  get itemCount(): number {
    return this.#items;
  }

  /** Codebook of `level`, [codebookSize, dim] (a view: do not modify). */
  codebook(level: number): Float32Array {
    const codebook = this.#codebooks[level];
    if (codebook === undefined) throw new RangeError(`Level ${level} is outside [0, ${this.levels})`);
    return codebook;
  }

  /** The full semantic ID of `item` (levels + 1 codes, a copy). */
  semanticId(item: number): Int32Array {
    this.#checkItem(item);
    return this.#semanticIds.slice(item * this.depth, (item + 1) * this.depth);
  }

  /** Every item's semantic ID, [items, levels + 1] (a copy). */
  semanticIds(): Int32Array {
    return this.#semanticIds.slice(0, this.#items * this.depth);
  }

  /** The decoder tokens of `item`'s semantic ID. */
  tokens(item: number): Int32Array {
    return this.vocabulary.tokens(this.semanticId(item));
  }

  /** The item a full semantic ID names, or undefined (a generated ID that maps to no item). */
  itemOf(semanticId: ArrayLike<number>): number | undefined {
    return this.trie.itemOf(semanticId);
  }

  /**
   * The tokens a decoder may emit after `tokens` (the tokens of a semantic ID
   * prefix, level by level): the trie's allowed codes shifted into the next
   * level's token range; empty when the prefix is invalid or complete.
   */
  allowedNextTokens(tokens: ArrayLike<number>): Int32Array {
    if (tokens.length >= this.depth) return new Int32Array(0);
    let node = this.#trie.root;
    for (let level = 0; level < tokens.length && node >= 0; level++) {
      const code = tokens[level]! - this.vocabulary.offset(level);
      node = code < 0 || code >= this.vocabulary.levelSizes[level]! ? -1 : this.#trie.child(node, code);
    }
    if (node < 0) return new Int32Array(0);
    const offset = this.vocabulary.offset(tokens.length);
    return this.#trie.allowedAfter(node).map((code) => code + offset);
  }

  /** The L codes of a vector through the codebooks: nearest centroid per level, no balancing. */
  encode(vector: ArrayLike<number>): Int32Array {
    if (vector.length !== this.dim)
      throw new RangeError(`encode: vector of ${vector.length}, expected ${this.dim}`);
    return this.encodeAll(Float32Array.from(vector));
  }

  /** `encode` of every row of `vectors` [rows, dim] at once -> codes [rows, levels]. */
  encodeAll(vectors: Float32Array): Int32Array {
    if (vectors.length % this.dim !== 0) {
      throw new RangeError(`encodeAll: ${vectors.length} values are not rows of ${this.dim}`);
    }
    const rows = vectors.length / this.dim;
    const residual = vectors.slice(); // [rows, dim]
    const codes = new Int32Array(rows * this.levels);
    this.#codebooks.forEach((codebook, level) => {
      const nearest = nearestCandidates(residual, this.dim, codebook, 1).codes; // [rows]
      nearest.forEach((code, row) => {
        codes[row * this.levels + level] = code;
        for (let j = 0; j < this.dim; j++) residual[row * this.dim + j]! -= codebook[code * this.dim + j]!;
      });
    });
    return codes;
  }

  /** sum of the chosen centroids of L codes: the vector the codes stand for, [dim]. */
  decode(codes: ArrayLike<number>): Float32Array {
    const out = new Float32Array(this.dim);
    for (let level = 0; level < Math.min(codes.length, this.levels); level++) {
      const codebook = this.#codebooks[level]!;
      const code = codes[level]!;
      for (let j = 0; j < this.dim; j++) out[j]! += codebook[code * this.dim + j]!;
    }
    return out;
  }

  /**
   * Cold start: gives a new item (index = itemCount) the codes of `vector` and the
   * next free disambiguation index of that path, and adds it to the trie. Throws
   * ConflictError when the path already holds `disambiguationCapacity` items.
   */
  assign(vector: ArrayLike<number>): ColdStartAssignment {
    const codes = this.encode(vector);
    const node = this.trie.node(codes);
    const index = node < 0 ? 0 : this.trie.allowedAfter(node).length;
    if (index >= this.disambiguationCapacity) {
      throw new ConflictError(
        `Semantic path (${codes.join(', ')}) already holds ${index} items, the disambiguation capacity; refit the tokenizer with a larger disambiguationCapacity`,
      );
    }
    const semanticId = new Int32Array(this.depth);
    semanticId.set(codes);
    semanticId[this.levels] = index;
    const item = this.#items;
    if ((item + 1) * this.depth > this.#semanticIds.length) {
      const grown = new Int32Array(Math.max(this.#semanticIds.length * 2, (item + 1) * this.depth));
      grown.set(this.#semanticIds);
      this.#semanticIds = grown;
    }
    this.#semanticIds.set(semanticId, item * this.depth);
    this.#trie.insert(semanticId, item);
    this.#items++;
    return { item, semanticId };
  }

  /** The parts to persist (copies). */
  parts(): SemanticTokenizerParts {
    return {
      codebooks: this.#codebooks.map((codebook) => codebook.slice()),
      dim: this.dim,
      semanticIds: this.semanticIds(),
      disambiguationCapacity: this.disambiguationCapacity,
      firstToken: this.vocabulary.firstToken,
      ...(this.training === undefined ? {} : { training: { ...this.training } }),
    };
  }

  #checkItem(item: number): void {
    if (!Number.isInteger(item) || item < 0 || item >= this.#items) {
      throw new RangeError(`Item ${item} is outside [0, ${this.#items})`);
    }
  }
}
