// The understand module's only public door: content understanding (Keye-style tagging).

// Hashtag cleaning and audience finding.
export * from './audience/index.js';
// Text, categories, taggers, vision-language provider, media.
export * from './category/index.js';
export * from './hashtags/index.js';
export * from './media/index.js';
export * from './tagger/index.js';
export * from './text/index.js';
export * from './vlm/index.js';
