import cliProgress from 'cli-progress';
import type { Progress } from '../core/index.js';

/**
 * A progress bar on stderr when a terminal is attached; nothing otherwise, so
 * CI logs and piped output stay clean.
 */
export function terminalProgress(interactive: boolean): Progress {
  if (!interactive) return { start() {}, update() {}, stop() {} };
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(label, total) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          format: `${label.padEnd(20)} {bar} {percentage}% | {value}/{total} | {duration_formatted} {extra}`,
          stream: process.stderr,
          clearOnComplete: true,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { extra: '' });
    },
    update(done, extra) {
      const text = extra
        ? Object.entries(extra)
            .map(([key, value]) => `${key} ${value}`)
            .join(' ')
        : '';
      bar?.update(done, { extra: text });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
