// Audience finding: rank users by likely interest in an item (content profile + item-kNN + activity).
export {
  AudienceFinder,
  type AudienceSignals,
  type AudienceWeights,
  blend,
  defaultAudienceWeights,
  signalOnly,
} from './audience-finder.js';
export { type AudienceFigures, audienceFigures } from './audience-metrics.js';
export { activityScores, collaborativeScores } from './collaborative-audience.js';
export { ContentProfiles } from './content-profiles.js';
export {
  type AudienceCase,
  type AudienceScore,
  evaluateAudience,
  tuneAudienceWeights,
} from './evaluate-audience.js';
export {
  type ExposureAudienceOptions,
  exposureAudience,
  type InterestExposure,
} from './exposure-audience.js';
export { type InterestLog, interestLog } from './interest-log.js';
export {
  type AudienceBenchmark,
  type MovieLensAudienceOptions,
  movieLensAudience,
} from './movielens-audience.js';
