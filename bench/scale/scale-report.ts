import type { ScoredPoint, SizeResult } from './scale-run.js';

/** A front point as scale.json keeps it. */
export interface ScalePoint {
  label: string;
  knobs: Record<string, unknown>;
  cpuMsPerRequest: number;
  quality: number;
  p50Ms: number;
  p99Ms: number;
  truthRecall: number;
  stagesCpuMs: Record<string, number>;
  flopsPerRequest: number;
  mfu: number;
}

/** bench/results/scale.json: the shape, with more keys. */
export interface ScaleJson {
  description: string;
  definitions: Record<string, string>;
  /** Each size as measured (scale-run.ts), its pipelines as front points and the ratio's reading flattened. */
  sizes: Array<
    Omit<SizeResult, 'cascade' | 'generative' | 'equalQuality'> & {
      cascade: { best: ScalePoint; front: ScalePoint[]; points: ScalePoint[] };
      generative: { best: ScalePoint; front: ScalePoint[]; points: ScalePoint[] };
      cpuRatioReason?: string;
      equalQuality: number;
    }
  >;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

function scalePoint(point: ScoredPoint): ScalePoint {
  return {
    label: point.label,
    knobs: point.knobs,
    cpuMsPerRequest: round(point.cpuMsPerRequest, 4),
    quality: round(point.quality, 5),
    p50Ms: round(point.p50Ms, 3),
    p99Ms: round(point.p99Ms, 3),
    truthRecall: round(point.truthRecall, 5),
    stagesCpuMs: Object.fromEntries(
      Object.entries(point.stagesCpuMs).map(([stage, ms]) => [stage, round(ms, 4)]),
    ),
    flopsPerRequest: Math.round(point.flopsPerRequest),
    mfu: round(point.mfu, 6),
  };
}

export const scaleDefinitions: Record<string, string> = {
  quality:
    'mean expected hidden satisfaction (simulate expectedSatisfaction) of the 20 served videos per evaluation user; a short page counts its missing slots as 0',
  truthRecall: "share of the user's 20 highest-taste unseen videos (tasteTruth) that the page serves",
  cpuMsPerRequest: 'process CPU ms per request summed over the stages (timeStage), one thread',
  p50Ms_p99Ms:
    'latency = completion - scheduled time of requests scheduled every 1000/requestRate ms (open loop, one core): queueing counts',
  front:
    'points no other point of the same pipeline dominates (CPU no higher and quality no lower, one strictly), cheapest first',
  best: 'the front point maximising (quality - reference.randomQuality) / cpuMsPerRequest',
  cpuRatioAtEqualQuality:
    "generative CPU / cascade CPU at the cascade best point's quality; generative CPU = its cheapest front point if that reaches the quality, else linear interpolation in (quality, CPU) between the two front points around it; null when the generative front never reaches it",
  flopsPerRequest:
    'GEMM and attention FLOPs of the model stages counted analytically from their shapes at the configured sizes (bench/scale/model-flops.ts); recall (HNSW, item-kNN) is not counted',
  mfu: 'flopsPerRequest / CPU seconds of the model stages (cascade: prerank + rank; generative: beam + rerank) / the single-thread GEMM peak (peakGflops: the highest of the 512^3 sgemm readings through the engine taken before every point)',
};

export function scaleJson(results: readonly SizeResult[]): ScaleJson {
  return {
    description:
      'npm run bench:scale (issue 18): serving cost and quality of the generative feed and the cascade as the catalogue grows; docs/scale.md',
    definitions: scaleDefinitions,
    sizes: [...results]
      .sort((a, b) => a.items - b.items)
      .map((result) => ({
        items: result.items,
        cascade: {
          best: scalePoint(result.cascade.best),
          front: result.cascade.front.map(scalePoint),
          points: result.cascade.points.map(scalePoint),
        },
        generative: {
          best: scalePoint(result.generative.best),
          front: result.generative.front.map(scalePoint),
          points: result.generative.points.map(scalePoint),
        },
        cpuRatioAtEqualQuality:
          result.cpuRatioAtEqualQuality === null ? null : round(result.cpuRatioAtEqualQuality, 4),
        ...(result.equalQuality.reason !== undefined && { cpuRatioReason: result.equalQuality.reason }),
        equalQuality: round(result.equalQuality.quality, 5),
        generativeFrontP99Within20Ms: result.generativeFrontP99Within20Ms,
        generativeBestP99Within20Ms: result.generative.best.p99Ms <= 20,
        users: result.users,
        impressions: result.impressions,
        evalUsers: result.evalUsers,
        semanticIds: result.semanticIds,
        reference: {
          randomQuality: round(result.reference.randomQuality, 5),
          truthQuality: round(result.reference.truthQuality, 5),
        },
        backend: result.backend,
        peakGflops: round(result.peakGflops, 2),
        requestRate: result.requestRate,
        fitSeconds: Object.fromEntries(
          Object.entries(result.fitSeconds).map(([part, s]) => [part, round(s, 1)]),
        ),
        memoryMiB: result.memoryMiB,
        measured: result.measured,
      })),
  };
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

/** The README table: one row per size, both pipelines' best points and the ratio at equal quality. */
export function readmeTable(json: ScaleJson): string {
  const lines = [
    '| videos | cascade best (CPU ms, quality, p99 ms, MFU) | generative best (CPU ms, quality, p99 ms, MFU) | generative / cascade CPU at equal quality |',
    '|---|---|---|---|',
  ];
  for (const size of json.sizes) {
    const cell = (point: ScalePoint) =>
      `${fixed(point.cpuMsPerRequest, 2)}, ${fixed(point.quality, 3)}, ${fixed(point.p99Ms, 1)}, ${fixed(100 * point.mfu, 2)}% (${point.label})`;
    const ratio =
      size.cpuRatioAtEqualQuality === null
        ? `none: ${size.cpuRatioReason ?? 'fronts do not overlap'}`
        : `${fixed(size.cpuRatioAtEqualQuality, 2)}x at quality ${fixed(size.equalQuality, 3)}`;
    lines.push(
      `| ${size.items.toLocaleString('en-US')} | ${cell(size.cascade.best)} | ${cell(size.generative.best)} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

/**
 * One size in full, as docs/scale.md shows it: the world, the fits, memory, and
 * every measured point of both pipelines with its stages, marked best / front.
 */
export function sizeTable(size: ScaleJson['sizes'][number]): string {
  const entries = (record: Record<string, number>, digits: number) =>
    Object.entries(record)
      .map(([part, value]) => `${part} ${fixed(value, digits)}`)
      .join(', ');
  const lines = [
    `${size.items.toLocaleString('en-US')} videos, ${size.users.toLocaleString('en-US')} users, ${size.impressions.toLocaleString('en-US')} logged impressions, ${size.evalUsers} evaluation users; random page ${fixed(size.reference.randomQuality, 3)}, truth page ${fixed(size.reference.truthQuality, 3)}; semantic IDs ${size.semanticIds.levels} x ${size.semanticIds.codebookSize}; ${size.backend}, GEMM peak ${fixed(size.peakGflops, 1)} GFLOP/s`,
    '',
    `fit seconds: ${entries(size.fitSeconds, 1)}; RSS MiB: ${entries(size.memoryMiB, 0)}`,
    '',
    '| pipeline | setting | CPU ms / request | per stage (ms) | p50 / p99 ms | MFLOP / request | MFU | quality | truthRecall@20 | |',
    '|---|---|---:|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const name of ['cascade', 'generative'] as const) {
    const pipeline = size[name];
    for (const point of pipeline.points) {
      const mark =
        point.label === pipeline.best.label
          ? 'best'
          : pipeline.front.some((front) => front.label === point.label)
            ? 'front'
            : '';
      lines.push(
        `| ${name} | ${point.label} | ${fixed(point.cpuMsPerRequest, 2)} | ${entries(point.stagesCpuMs, 2)} | ${fixed(point.p50Ms, 1)} / ${fixed(point.p99Ms, 1)} | ${fixed(point.flopsPerRequest / 1e6, 2)} | ${fixed(100 * point.mfu, 1)}% | ${fixed(point.quality, 4)} | ${fixed(point.truthRecall, 3)} | ${mark} |`,
      );
    }
  }
  return lines.join('\n');
}
