import { type Logger, streamLogger } from '../core/index.js';

/** Where a command writes: results to `out`, diagnostics through `logger`. Tests pass their own. */
export interface CliIo {
  out(text: string): void;
  logger: Logger;
  /** Draw progress bars (a terminal is attached). */
  interactive: boolean;
}

export function processIo(options: { verbose?: boolean } = {}): CliIo {
  return {
    out: (text) => void process.stdout.write(`${text}\n`),
    logger: streamLogger({ debug: options.verbose ?? false }),
    interactive: Boolean(process.stderr.isTTY),
  };
}

/**
 * The logger for a long run. Output bound for a log file rather than a terminal
 * has no progress bar, so the run would be silent between its first and last
 * lines: there, the detail lines (each trainer epoch with its loss, validation
 * metric and seconds; each phase of the runner with its time) are printed like
 * any other line.
 */
export function longRunLogger(io: CliIo): Logger {
  if (io.interactive) return io.logger;
  const { logger } = io;
  return { ...logger, debug: (message) => logger.info(message) };
}
