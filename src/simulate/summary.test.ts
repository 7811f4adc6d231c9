import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/index.js';
import { calibratedSignals } from './signals.js';
import { parseSummary, readSummary, shippedSummary } from './summary.js';

describe('playground summary', () => {
  it('ships a valid summary with all calibration targets and no rows of data', () => {
    const summary = shippedSummary();
    for (const signal of calibratedSignals) expect(summary.signalStats.positives[signal]).toBeGreaterThan(0);
    expect(summary.signalStats.interactions).toBe(1_436_609);
    expect(summary.durationQuantilesMs).toHaveLength(21);
    expect(summary.categories.reduce((sum, category) => sum + category.share, 0)).toBeCloseTo(1, 3);
  });

  it('names the file and the reason when the JSON does not parse', () => {
    expect(() => parseSummary('{"description": ', 'my-summary.json')).toThrow(
      /Cannot parse playground summary my-summary.json/,
    );
  });

  it('names the field and the problem when a field is wrong', () => {
    const summary = shippedSummary();
    const broken = { ...summary, durationQuantilesMs: summary.durationQuantilesMs.slice(0, 5) };
    expect(() => parseSummary(JSON.stringify(broken), 's.json')).toThrow(
      /Invalid playground summary s.json: field "durationQuantilesMs"/,
    );
    const negative = { ...summary, affinity: { ...summary.affinity, interactionSd: -1 } };
    expect(() => parseSummary(JSON.stringify(negative), 's.json')).toThrow(/field "affinity.interactionSd"/);
    const unordered = [...summary.durationQuantilesMs].reverse();
    expect(() =>
      parseSummary(JSON.stringify({ ...summary, durationQuantilesMs: unordered }), 's.json'),
    ).toThrow(/field "durationQuantilesMs.1": .* below the previous quantile/);
  });

  it('reports a missing file as invalid input naming the path', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'genfeed-summary-')), 'absent.json');
    expect(() => readSummary(path)).toThrow(InvalidInputError);
    expect(() => readSummary(path)).toThrow(`Cannot read playground summary ${path}: ENOENT`);
    writeFileSync(path, JSON.stringify(shippedSummary()));
    expect(readSummary(path).affinity.dimensions).toBe(16);
  });
});
