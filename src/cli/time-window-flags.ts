import { InvalidArgumentError, Option } from 'commander';
import type { TimeWindow } from '../storage/index.js';

const DAY_MS = 86_400_000;

/**
 * One side of the ingest time window in days: a positive number (fractions
 * allowed, 0.5 is 12 hours) or `unlimited`; answers whole milliseconds.
 * Commander puts the flag's name before the message.
 */
export function parseWindowDays(value: string): number {
  if (value.trim() === 'unlimited') return Number.POSITIVE_INFINITY;
  const ms = value.trim() === '' ? Number.NaN : Math.round(Number(value) * DAY_MS);
  if (!Number.isFinite(ms) || ms < 1)
    throw new InvalidArgumentError(
      `expected a positive number of days (0.5 is 12 hours) or "unlimited", got "${value}"`,
    );
  return ms;
}

function describe(ms: number): string {
  if (!Number.isFinite(ms)) return 'unlimited';
  const days = ms / DAY_MS;
  return `${days} day${days === 1 ? '' : 's'}`;
}

/**
 * `--time-window-past-days` and `--time-window-future-days` (`genfeed serve`,
 * `genfeed import`): how far before and after the clock an event `time` or
 * item `uploadTime` may lie; `defaults` is the command's window and `beyond`
 * what happens to a time outside it, both named in the help.
 */
export function timeWindowOptions(defaults: Readonly<TimeWindow>, beyond: string): [Option, Option] {
  return [
    new Option(
      '--time-window-past-days <days>',
      `accept event and item upload times up to this many days before now, ${beyond} ("unlimited": back to 1970; default ${describe(defaults.pastMs)})`,
    ).argParser(parseWindowDays),
    new Option(
      '--time-window-future-days <days>',
      `accept event and item upload times up to this many days after now, ${beyond} ("unlimited": any; default ${describe(defaults.futureMs)})`,
    ).argParser(parseWindowDays),
  ];
}

/** The window the flags of `timeWindowOptions` give (already in ms), the command's default for a flag left out. */
export function timeWindowOf(
  flags: { timeWindowPastDays?: number; timeWindowFutureDays?: number },
  defaults: Readonly<TimeWindow>,
): TimeWindow {
  return {
    pastMs: flags.timeWindowPastDays ?? defaults.pastMs,
    futureMs: flags.timeWindowFutureDays ?? defaults.futureMs,
  };
}
