import type { Dataset } from '../data/index.js';
import {
  type CollaborativeVectorOptions,
  collaborativeVectors,
} from './item-vectors/collaborative-vectors.js';
import { type CombineOptions, combineItemVectors } from './item-vectors/combine-item-vectors.js';
import { type ContentVectorOptions, contentVectors } from './item-vectors/content-vectors.js';
import type { ItemVectors } from './item-vectors/item-vectors.js';
import { SemanticTokenizer, type SemanticTokenizerOptions } from './semantic-tokenizer.js';
import { evaluateTokenizer, type TokenizerReport } from './tokenizer-report.js';

export interface DatasetTokenizerOptions {
  /** Items dropped from the end of each user's sequence before building collaborative vectors (default 2: validation and test). */
  holdOut?: number;
  content?: ContentVectorOptions;
  collaborative?: CollaborativeVectorOptions;
  combine?: CombineOptions;
  tokenizer?: SemanticTokenizerOptions;
  /** Which vector kinds to tokenize (default all three). */
  kinds?: readonly ItemVectorKind[];
}

export type ItemVectorKind = 'content' | 'collaborative' | 'combined';

export interface DatasetTokenizerRun {
  kind: ItemVectorKind;
  report: TokenizerReport;
  /** Items whose vector is zero (no metadata, or no co-occurrence in training). */
  emptyItems: number;
  vectorSeconds: number;
  fitSeconds: number;
}

/**
 * Tokenizes a dataset's items from content, collaborative and combined vectors
 * and reports each (the figures of docs/tokenizer.md). Items are the
 * interaction table's dense item index; collaborative vectors see only the
 * training part of each sequence (the last `holdOut` items dropped).
 */
export function tokenizerReport(
  dataset: Dataset,
  options: DatasetTokenizerOptions = {},
): DatasetTokenizerRun[] {
  const kinds = options.kinds ?? ['content', 'collaborative', 'combined'];
  const holdOut = options.holdOut ?? 2;
  const itemIds = dataset.interactions.items.ids();
  const timed = <T>(build: () => T): [T, number] => {
    const start = performance.now();
    const value = build();
    return [value, (performance.now() - start) / 1000];
  };
  const needContent = kinds.includes('content') || kinds.includes('combined');
  const needCollaborative = kinds.includes('collaborative') || kinds.includes('combined');
  const [content, contentSeconds] = needContent
    ? timed(() => contentVectors(itemIds, dataset.items, options.content))
    : [undefined, 0];
  const [collaborative, collaborativeSeconds] = needCollaborative
    ? timed(() => {
        const training = dataset.interactions
          .sequences()
          .map((sequence) => sequence.subarray(0, Math.max(0, sequence.length - holdOut)));
        return collaborativeVectors(training, itemIds.length, options.collaborative);
      })
    : [undefined, 0];
  const runs: DatasetTokenizerRun[] = [];
  const run = (
    kind: ItemVectorKind,
    vectors: ItemVectors,
    emptyItems: number,
    vectorSeconds: number,
  ): void => {
    const [tokenizer, fitSeconds] = timed(() => SemanticTokenizer.fit(vectors, options.tokenizer));
    runs.push({ kind, report: evaluateTokenizer(tokenizer, vectors), emptyItems, vectorSeconds, fitSeconds });
  };
  for (const kind of kinds) {
    if (kind === 'content' && content !== undefined) {
      run(kind, content, content.emptyItems.length, contentSeconds);
    } else if (kind === 'collaborative' && collaborative !== undefined) {
      run(kind, collaborative, collaborative.emptyItems.length, collaborativeSeconds);
    } else if (kind === 'combined' && content !== undefined && collaborative !== undefined) {
      const [combined, combineSeconds] = timed(() =>
        combineItemVectors(content, collaborative, options.combine),
      );
      const empty = content.emptyItems.filter((item) => collaborative.emptyItems.includes(item)).length;
      run(kind, combined, empty, contentSeconds + collaborativeSeconds + combineSeconds);
    }
  }
  return runs;
}
