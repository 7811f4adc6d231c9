// The Tagger interface and the embedded (text-only, no download) provider.
export { declaredAiGenerated } from './ai-generated.js';
export { cleanTopics } from './clean-topics.js';
export { EmbeddedTagger, type EmbeddedTaggerOptions } from './embedded-tagger.js';
export { HASHED_VECTOR_DIM, hashedTextVector } from './hashed-vector.js';
export type { ContentTags, Tagger, TaggerInput, TagResult } from './tagger.js';
