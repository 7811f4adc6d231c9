import { describe, expect, it } from 'vitest';
import { bestPoint, cpuAtQuality, cpuRatioAtEqualQuality, paretoFront } from '../bench/scale/fronts.js';
import { frontsSvg } from '../bench/scale/fronts-svg.js';
import { semanticIdShape } from '../bench/scale/generative-arm.js';
import { beamSearchFlops } from '../bench/scale/model-flops.js';
import { readmeTable, scaleJson, sizeTable } from '../bench/scale/scale-report.js';
import { runSize } from '../bench/scale/scale-run.js';
import { backendInfo } from '../src/tensor/index.js';

const point = (cpuMsPerRequest: number, quality: number) => ({ cpuMsPerRequest, quality });

describe('bench:scale fronts', () => {
  const points = [
    point(1, 0.6),
    point(2, 0.7),
    point(2.5, 0.65),
    point(4, 0.8),
    point(5, 0.8),
    point(0.5, 0.5),
  ];

  it('keeps the non-dominated points, cheapest first', () => {
    expect(paretoFront(points)).toEqual([point(0.5, 0.5), point(1, 0.6), point(2, 0.7), point(4, 0.8)]);
  });

  it('picks the most quality above the floor per CPU ms', () => {
    expect(bestPoint(paretoFront(points), 0.4)).toEqual(point(0.5, 0.5)); // 0.2 per ms
    expect(bestPoint(paretoFront(points), 0.55)).toEqual(point(2, 0.7)); // 0.075 vs 0.05
  });

  it('interpolates CPU at a quality along the front, or says it is out of reach', () => {
    const front = paretoFront(points);
    expect(cpuAtQuality(front, 0.4)).toBe(0.5);
    expect(cpuAtQuality(front, 0.75)).toBeCloseTo(3);
    expect(cpuAtQuality(front, 0.9)).toBeUndefined();
    expect(cpuRatioAtEqualQuality(front, point(1.5, 0.75)).ratio).toBeCloseTo(2);
    const none = cpuRatioAtEqualQuality([point(1, 0.5)], point(1, 0.7));
    expect(none.ratio).toBeNull();
    expect(none.reason).toContain('tops out at quality 0.5000');
  });

  it('sizes semantic IDs so that K^3 >= 8 x items', () => {
    expect([2000, 20_000, 200_000, 1_000_000].map((items) => semanticIdShape(items).codebookSize)).toEqual([
      32, 64, 128, 256,
    ]);
  });

  it('counts more beam FLOPs for wider beams and longer histories', () => {
    const shape = { dim: 64, layers: 2, ffnDim: 256, depth: 4, maxItems: 50, levelSizes: [32, 32, 32, 4] };
    expect(beamSearchFlops(shape, 10, 50)).toBeGreaterThan(beamSearchFlops(shape, 10, 20));
    expect(beamSearchFlops(shape, 40, 20)).toBeGreaterThan(beamSearchFlops(shape, 10, 20));
  });
});

describe('bench:scale smoke (2k videos, tiny knobs)', () => {
  it('measures both pipelines and writes the issue shape', async () => {
    const result = await runSize({
      items: 2000,
      evalUsers: 16,
      cascade: { recall: [300, 600], prerankModel: ['linear'], prerankSize: [50], rankModel: ['none'] },
      generative: {
        models: [{ name: 'tiny', dim: 16, heads: 1, layers: 1 }],
        beamWidth: [20, 30],
        rerank: ['none'],
      },
      budget: { users: 64, steps: 4, batchSize: 16, maxEpochs: 12 },
      prerankUsers: 50,
      rewardEpochs: 1,
      rate: 200,
      fitThreads: 1,
      peakSize: 256,
      log: () => {},
    });
    for (const pipeline of [result.cascade, result.generative]) {
      expect(pipeline.points).toHaveLength(2);
      for (const measured of pipeline.points) {
        expect(measured.cpuMsPerRequest).toBeGreaterThan(0);
        expect(measured.flopsPerRequest).toBeGreaterThan(0);
        expect(measured.p99Ms).toBeGreaterThanOrEqual(measured.p50Ms);
        expect(measured.quality).toBeLessThan(result.reference.truthQuality);
      }
      for (const front of pipeline.front)
        expect(
          pipeline.points.some(
            (other) =>
              other.cpuMsPerRequest <= front.cpuMsPerRequest &&
              other.quality >= front.quality &&
              (other.cpuMsPerRequest < front.cpuMsPerRequest || other.quality > front.quality),
          ),
        ).toBe(false);
      expect(pipeline.front).toContain(pipeline.best);
    }
    expect(result.cascade.best.quality).toBeGreaterThan(result.reference.randomQuality);
    expect(result.reference.truthQuality).toBeGreaterThan(result.reference.randomQuality);
    expect(result.memoryMiB.peak).toBeGreaterThan(0);
    expect(result.backend).toBe(backendInfo().description);

    const json = scaleJson([result]);
    const size = json.sizes[0]!;
    expect(size.items).toBe(2000);
    for (const pipeline of [size.cascade, size.generative]) {
      expect(Object.keys(pipeline.best)).toEqual(
        expect.arrayContaining(['cpuMsPerRequest', 'quality', 'p99Ms']),
      );
      expect(pipeline.front.length).toBeGreaterThan(0);
    }
    if (size.cpuRatioAtEqualQuality === null) expect(size.cpuRatioReason).toBeTypeOf('string');
    else expect(size.cpuRatioAtEqualQuality).toBeGreaterThan(0);
    expect(frontsSvg(json)).toContain('<polyline');
    expect(readmeTable(json)).toContain('| 2,000 |');
    const detail = sizeTable(size).split('\n');
    // A row per measured point of both pipelines, and exactly one best per pipeline.
    expect(detail.filter((line) => /^\| (cascade|generative) \|/.test(line))).toHaveLength(4);
    expect(detail.filter((line) => line.endsWith('| best |'))).toHaveLength(2);
  });
});
