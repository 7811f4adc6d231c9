import { interpolatedQuantile } from '../statistics/index.js';
import { EngagementPredictor } from './engagement-predictor.js';
import { itemEngagement } from './item-engagement.js';
import { type EngagedCaption, TitleMiner } from './title-miner.js';
import type { CreatorEvent, CreatorItem } from './types.js';

export interface TitleSuggesterOptions {
  /** Items above this engagement quantile are the "high engagement" class (default 0.75). */
  highQuantile?: number;
  /** Training passes of the predictor (default 8). */
  epochs?: number;
  seed?: number;
}

export interface TitleSuggester {
  /** The captions with their engagement (events per item). */
  corpus: EngagedCaption[];
  /** Absent when every item has the same engagement (nothing to learn). */
  predictor?: EngagementPredictor;
  miner: TitleMiner;
}

/**
 * Everything title suggestions need, built once from the log (at server start
 * or on a schedule): the engagement of every captioned item (events per item),
 * the predictor trained on it, and the miner over it. Throws `RangeError` when
 * no item has both a caption and events.
 */
export function trainTitleSuggester(
  events: Iterable<CreatorEvent>,
  items: Iterable<CreatorItem>,
  options: TitleSuggesterOptions = {},
): TitleSuggester {
  const engagement = itemEngagement(events);
  const corpus: EngagedCaption[] = [];
  for (const item of items) {
    const measured = engagement.get(item.id);
    if (!item.caption || !measured) continue;
    corpus.push({
      itemId: item.id,
      caption: item.caption,
      ...(item.hashtags && { hashtags: item.hashtags }),
      ...(item.categories && { categories: item.categories }),
      engagement: measured.events,
    });
  }
  if (corpus.length === 0) throw new RangeError('trainTitleSuggester: no item has both a caption and events');
  const threshold = interpolatedQuantile(
    corpus.map((caption) => caption.engagement),
    options.highQuantile ?? 0.75,
  );
  const labelled = corpus.map(
    (caption) => ({ draft: caption, label: caption.engagement > threshold ? 1 : 0 }) as const,
  );
  const bothClasses =
    labelled.some((example) => example.label === 1) && labelled.some((example) => example.label === 0);
  const predictor = bothClasses
    ? EngagementPredictor.train(labelled, {
        ...(options.epochs !== undefined && { epochs: options.epochs }),
        ...(options.seed !== undefined && { seed: options.seed }),
      })
    : undefined;
  return {
    corpus,
    ...(predictor && { predictor }),
    miner: new TitleMiner(corpus, predictor ? { predictor } : {}),
  };
}
