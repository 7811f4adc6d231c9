import { describe, expect, it } from 'vitest';
import { calibrate, newtonMoments } from './calibrate.js';
import { calibrationReport, formatCalibration } from './calibration-report.js';
import { calibratedEnvironment, measureCalibration } from './environment.js';
import { playgroundWorld } from './playground-world.js';
import { sigmoid } from './response-model.js';
import { shippedSummary } from './summary.js';

describe('calibration', () => {
  it('holds every rate within 10% and every checked co-occurrence within 25% on a playground run', async () => {
    const world = playgroundWorld(shippedSummary(), { users: 1500, items: 3000, seed: 3 });
    const environment = await calibratedEnvironment(world, { seed: 3 });
    const report = calibrationReport(await measureCalibration(environment, { seed: 3 }), world.targets);
    expect(report.impressions).toBeGreaterThan(300_000);
    const failures = [...report.rates, ...report.cooccurrence].filter((row) => !row.ok);
    expect(failures, formatCalibration(report)).toEqual([]);
    expect(report.cooccurrence.length).toBeGreaterThanOrEqual(10);
    // About 12 s alone; a full parallel suite on 2 shared cores can make it several times slower.
  }, 180_000);

  it('solves the moment equations of a logistic model (Newton)', () => {
    // Two groups (x = 0 and x = 1) with no offset: the solution is logit of each group's rate.
    const n = 1000;
    const ones = new Float64Array(n).fill(1);
    const group = Float64Array.from({ length: n }, (_, i) => (i < 400 ? 1 : 0));
    // Wanted: rate 0.1 in group 0 (600 rows) and 0.5 in group 1 (400 rows).
    const theta = newtonMoments(
      [ones, group],
      new Float64Array(n),
      [0.1 * 600 + 0.5 * 400, 0.5 * 400],
      [0, 0],
    );
    expect(sigmoid(theta[0]!)).toBeCloseTo(0.1, 6);
    expect(sigmoid(theta[0]! + theta[1]!)).toBeCloseTo(0.5, 6);
  });

  it('refuses a sample too small to fit', () => {
    const tiny = {
      size: 10,
      affinity: new Float64Array(10),
      expressiveness: new Float64Array(10),
      durationMs: new Float64Array(10).fill(10_000),
      canFollow: new Uint8Array(10).fill(1),
    };
    expect(() => calibrate(tiny, shippedSummary().signalStats as never)).toThrow(/at least 1000 impressions/);
  });
});
