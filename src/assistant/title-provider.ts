import type { TitleDraft } from './title-features.js';

/** One suggested title and why. */
export interface TitleSuggestion {
  title: string;
  /** `mined`: a real caption of similar content; `llm`: written by a language model. */
  source: 'mined' | 'llm';
  /** P(high engagement) from the predictor, when one is set. */
  predicted?: number;
  /** Mined: the item the caption comes from, its similarity to the draft and its engagement. */
  itemId?: string;
  similarity?: number;
  engagement?: number;
}

/** Something that proposes titles for a draft: the embedded miner, an LLM endpoint. */
export interface TitleProvider {
  readonly name: string;
  suggest(draft: TitleDraft, count: number): Promise<TitleSuggestion[]>;
}
