/**
 * The genfeed library: every module's public API under its module's name
 * (`import { generative, serve } from 'genfeed'`), and each module on
 * its own subpath (`import { FeedService } from 'genfeed/serve'`). Namespaces keep
 * names two modules share apart (`statistics.mean` of numbers, `tensor.mean` of a tensor).
 */

export * as assistant from './assistant/index.js';
export * as baselines from './baselines/index.js';
export * as cascade from './cascade/index.js';
export * as cli from './cli/index.js';
export * as core from './core/index.js';
export * as data from './data/index.js';
export * as evaluation from './eval/index.js'; // `eval` cannot be an import binding
export * as feed from './feed/index.js';
export * as generative from './generative/index.js';
export * as insights from './insights/index.js';
export * as platform from './platform/index.js';
export * as reward from './reward/index.js';
export * as serve from './serve/index.js';
export * as simulate from './simulate/index.js';
export * as statistics from './statistics/index.js';
export * as storage from './storage/index.js';
export * as tensor from './tensor/index.js';
export * as tokenizer from './tokenizer/index.js';
export * as training from './training/index.js';
export * as understand from './understand/index.js';
export * as web from './web/index.js';
