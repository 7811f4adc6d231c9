export { ConflictError, GenfeedError, InvalidInputError, NotFoundError } from './errors.js';
export type { Logger } from './logger.js';
export { silentLogger, streamLogger } from './logger.js';
export type { Progress } from './progress.js';
export { silentProgress } from './progress.js';
export { Random } from './random.js';
export { workerEntry } from './worker-entry.js';
