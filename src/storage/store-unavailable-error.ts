import { GenfeedError } from '../core/index.js';

/**
 * The database cannot be opened, reached or migrated: a server answers 503
 * (and `/health/ready` fails) instead of blaming the request.
 */
export class StoreUnavailableError extends GenfeedError {
  constructor(message: string, options?: ErrorOptions) {
    super('store_unavailable', message, options);
  }
}
