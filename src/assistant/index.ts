// The assistant module's public door: the creator assistant. Pure functions over
// an event log and a catalogue (times in unix ms, the store's shape), so the
// HTTP routes and the CLI call the same code:
//
//   GET /v1/creators/{id}/trends        -> creatorTrends(id, events, items, { binMs, windowBins, limit })
//   GET /v1/creators/{id}/posting-times -> creatorPostingTimes(id, events, items, { utcOffsetHours, count })
//   POST /v1/creators/{id}/titles       -> suggester.miner.suggest(draft, n), with
//                                          const suggester = trainTitleSuggester(events, items) built once,
//                                          or new OpenAiTitleProvider({ baseUrl, model, predictor }).suggest(draft, n)
// See docs/assistant.md.

export {
  type BurstOptions,
  type BurstSeries,
  type BurstSpan,
  burstDefaults,
  burstSpans,
  detectBursts,
} from './burst-detector.js';
export { smoothCircular } from './circular-smoothing.js';
export { type CreatorPostingTimes, creatorPostingTimes } from './creator-posting-times.js';
export { type CreatorTrend, type CreatorTrendsOptions, creatorTrends } from './creator-trends.js';
export { assistantInputs } from './dataset-inputs.js';
export {
  EngagementPredictor,
  type LabelledDraft,
  type PredictorOptions,
  predictorDefaults,
} from './engagement-predictor.js';
export {
  decayWeight,
  type FanActivity,
  type FanActivityOptions,
  fanActivity,
  fanActivityDefaults,
  uploadCompetition,
} from './fan-activity.js';
export { formatHourOfWeek, hourOfWeek } from './hour-of-week.js';
export { type ItemEngagement, itemEngagement } from './item-engagement.js';
export {
  type OpenAiTitleOptions,
  OpenAiTitleProvider,
  TitleProviderError,
  titleAnswerSchema,
} from './openai-title-provider.js';
export { normalUpperTail, poissonUpperTail } from './poisson-tail.js';
export {
  type PostingTimeOptions,
  type PostingWindow,
  postingTimeDefaults,
  shareInWindows,
  suggestPostingTimes,
} from './posting-times.js';
export { type FeatureSet, type HashedFeatures, hashFeatures, type TitleDraft } from './title-features.js';
export {
  type EngagedCaption,
  TitleMiner,
  type TitleMinerOptions,
  withoutPromotionalHashtags,
} from './title-miner.js';
export type { TitleProvider, TitleSuggestion } from './title-provider.js';
export { type TitleSuggester, type TitleSuggesterOptions, trainTitleSuggester } from './title-suggester.js';
export { type TopicSeries, type TopicSeriesOptions, topicSeries, uploadSeries } from './topic-series.js';
export { TopicCooccurrence } from './topic-similarity.js';
export { normaliseHashtag, topicIndex, topicsOfItem } from './topics.js';
export { type TopicTrend, type TrendingOptions, trendingTopics } from './trending-topics.js';
export { type CreatorEvent, type CreatorItem, DAY_MS, HOUR_MS, HOURS_PER_WEEK, WEEK_MS } from './types.js';
export { wordsOf } from './words.js';
