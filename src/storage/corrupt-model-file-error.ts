import { GenfeedError } from '../core/index.js';

/**
 * A model file's bytes in the store are not what was written: a chunk is
 * missing, the size or the sha256 differs. The message names the model,
 * its version and the file; a registry refuses such a version.
 */
export class CorruptModelFileError extends GenfeedError {
  constructor(message: string, options?: ErrorOptions) {
    super('corrupt_model_file', message, options);
  }
}
