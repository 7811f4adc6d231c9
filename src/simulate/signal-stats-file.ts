import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../core/index.js';
import { type CalibratedSignal, calibratedSignals, type SignalStats } from './signals.js';

/**
 * Reads the calibration targets from `SIGNAL_STATS.md` (kuairand-pure): the
 * interaction count of the first paragraph, the positives column of the rate
 * table and the 7 x 7 co-occurrence table.
 */
export function readSignalStatsFile(path: string): SignalStats {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read signal statistics ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      { cause: error },
    );
  }
  return parseSignalStats(text, path);
}

export function parseSignalStats(text: string, file: string): SignalStats {
  const total = /over the ([\d,]+) standard/.exec(text);
  if (!total) throw new InvalidInputError(`${file}: no "over the N standard ... interactions" sentence`);
  const interactions = toNumber(total[1]!);
  const positives = {} as Record<CalibratedSignal, number>;
  const cooccurrence = {} as Record<CalibratedSignal, Record<CalibratedSignal, number>>;
  const shortName = (signal: CalibratedSignal) => signal.replace(/^is_/, '');
  const lines = text.split('\n');
  for (const signal of calibratedSignals) {
    const rateRow = lines.find((line) => new RegExp(`^\\|\\s*${signal}\\s*\\|\\s*[\\d,]+\\s*\\|`).test(line));
    if (!rateRow) throw new InvalidInputError(`${file}: no rate row for ${signal}`);
    positives[signal] = toNumber(cells(rateRow)[1]!);
    const coRow = lines.find((line) =>
      new RegExp(`^\\|\\s*${shortName(signal)}\\s*\\|(\\s*\\d+\\s*\\|){7}\\s*$`).test(line),
    );
    if (!coRow) throw new InvalidInputError(`${file}: no co-occurrence row for ${shortName(signal)}`);
    const values = cells(coRow).slice(1).map(toNumber);
    const row = {} as Record<CalibratedSignal, number>;
    calibratedSignals.forEach((other, index) => {
      row[other] = values[index]!;
    });
    cooccurrence[signal] = row;
  }
  for (const signal of calibratedSignals) {
    if (cooccurrence[signal][signal] !== positives[signal]) {
      throw new InvalidInputError(
        `${file}: ${signal} has ${positives[signal]} positives but ${cooccurrence[signal][signal]} on the co-occurrence diagonal`,
      );
    }
  }
  return { interactions, positives, cooccurrence };
}

function cells(line: string): string[] {
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

function toNumber(text: string): number {
  const value = Number(text.replace(/,/g, ''));
  if (!Number.isFinite(value)) throw new InvalidInputError(`not a number: "${text}"`);
  return value;
}
