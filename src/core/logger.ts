/**
 * Library code never writes to the console: it takes a Logger. The CLI passes
 * one that prints; tests pass `silentLogger`.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
};

/** A logger writing to a stream (stderr by default, so stdout stays for results). */
export function streamLogger(options: { stream?: NodeJS.WritableStream; debug?: boolean } = {}): Logger {
  const stream = options.stream ?? process.stderr;
  return {
    info: (message) => void stream.write(`${message}\n`),
    warn: (message) => void stream.write(`warning: ${message}\n`),
    error: (message) => void stream.write(`error: ${message}\n`),
    debug: (message) => {
      if (options.debug) stream.write(`debug: ${message}\n`);
    },
  };
}
