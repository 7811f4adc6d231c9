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
