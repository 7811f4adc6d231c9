/** The genfeed library: each module's public API, re-exported by name. */
export * from './baselines/index.js';
export * from './core/index.js';
export * from './data/index.js';
export * from './eval/index.js';
