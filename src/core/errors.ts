/**
 * The project's error family. Built-in TypeError/RangeError stay for bad
 * arguments inside the code; these carry meaning across module boundaries and
 * are mapped to HTTP status codes in one place by the server.
 */
export class GenfeedError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input from outside (a data file, a flag, a request body) is not what it must be. */
export class InvalidInputError extends GenfeedError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid_input', message, options);
  }
}

export class NotFoundError extends GenfeedError {
  constructor(message: string, options?: ErrorOptions) {
    super('not_found', message, options);
  }
}

export class ConflictError extends GenfeedError {
  constructor(message: string, options?: ErrorOptions) {
    super('conflict', message, options);
  }
}
