import { type RewardModel, trainReward } from '../../src/reward/index.js';
import { itemSideOfWorld } from '../../src/simulate/index.js';
import { backendInfo, setThreads } from '../../src/tensor/index.js';
import {
  type CascadeKnobSpace,
  cascadeKnobPoints,
  cascadeLabel,
  cascadeModelStages,
  cascadeServe,
  fitCascade,
} from './cascade-arm.js';
import { bestPoint, cpuRatioAtEqualQuality, type EqualQualityRatio, paretoFront } from './fronts.js';
import { gemmPeakGflops } from './gemm-peak.js';
import {
  fitGenerative,
  type GenerativeKnobSpace,
  generativeModelStages,
  generativeServe,
  semanticIdShape,
  type TrainingBudget,
} from './generative-arm.js';
import { type MeasuredPoint, measurePoint } from './measure-point.js';
import { scaleSetup } from './scale-setup.js';

export interface SizeOptions {
  items: number;
  evalUsers: number;
  cascade: CascadeKnobSpace;
  generative: GenerativeKnobSpace;
  budget: TrainingBudget;
  /** Users the linear pre-rank's weights are fitted on. */
  prerankUsers: number;
  /** Epochs of the reward model (the cascade's reward rank and the generative rerank). */
  rewardEpochs: number;
  /** Requests per second of the latency measurement (issue: 200). */
  rate: number;
  /** Threads while fitting (serving is always measured on one). */
  fitThreads: number;
  /** GEMM size of the peak measurement (default 512; the smoke test uses less). */
  peakSize?: number;
  log: (line: string) => void;
}

/** A measured point with its MFU: achieved GFLOP/s in the model stages / the run's GEMM peak. */
export type ScoredPoint = MeasuredPoint & { mfu: number };

/** One pipeline's measured points, its front and its best quality-per-CPU point. */
export interface PipelineResult {
  best: ScoredPoint;
  front: ScoredPoint[];
  points: ScoredPoint[];
}

export interface SizeResult {
  items: number;
  users: number;
  impressions: number;
  evalUsers: number;
  semanticIds: { levels: number; codebookSize: number };
  reference: { randomQuality: number; truthQuality: number };
  /** The tensor backend every model stage ran on (native unless GENFEED_BACKEND=ts asked for ts). */
  backend: string;
  peakGflops: number;
  requestRate: number;
  fitSeconds: Record<string, number>;
  memoryMiB: Record<string, number>;
  cascade: PipelineResult;
  generative: PipelineResult;
  cpuRatioAtEqualQuality: number | null;
  equalQuality: EqualQualityRatio;
  /** Whether every generative point on the front keeps p99 <= 20 ms at the request rate. */
  generativeFrontP99Within20Ms: boolean;
  measured: string;
}

const mib = (bytes: number) => Math.round(bytes / 1048576);

function pipelineResult(measured: MeasuredPoint[], floor: number, peakGflops: number): PipelineResult {
  const points = measured.map((point) => ({ ...point, mfu: point.achievedGflops / peakGflops }));
  const front = paretoFront(points);
  return { best: bestPoint(front, floor)!, front, points };
}

/** Everything `bench:scale` measures at one catalogue size, both pipelines and every knob setting. */
export async function runSize(options: SizeOptions): Promise<SizeResult> {
  const { log } = options;
  const fitSeconds: Record<string, number> = {};
  const memoryMiB: Record<string, number> = {};
  setThreads(1);
  const backend = backendInfo().description;
  log(`tensor backend: ${backend}`);
  // The peak is re-measured before every point and the highest reading is the
  // denominator of every MFU: on a busy machine one reading can catch a slow moment.
  const peakSize = options.peakSize ?? 512;
  let peakGflops = 0;
  const measurePeak = () => {
    peakGflops = Math.max(peakGflops, gemmPeakGflops({ n: peakSize, repeats: 3 }));
  };
  measurePeak();
  log(`GEMM peak (1 thread, ${peakSize}^3 sgemm): ${peakGflops.toFixed(1)} GFLOP/s`);
  let started = performance.now();
  const setup = scaleSetup(options.items, { evalUsers: options.evalUsers });
  fitSeconds.worldAndLog = (performance.now() - started) / 1000;
  memoryMiB.afterWorld = mib(process.memoryUsage().rss);
  log(
    `${options.items} videos: ${setup.world.population.size} users, ${setup.traffic.log.size} impressions, ${setup.users.length} evaluation users (${fitSeconds.worldAndLog.toFixed(1)} s)`,
  );

  setThreads(options.fitThreads);
  let reward: RewardModel | undefined;
  if (options.cascade.rankModel.includes('reward') || options.generative.rerank.includes('reward')) {
    started = performance.now();
    reward = trainReward(setup.traffic.log, itemSideOfWorld(setup.world), {
      epochs: options.rewardEpochs,
      fusionTraining: 'in-sample',
    }).model;
    fitSeconds.reward = (performance.now() - started) / 1000;
    log(`reward model: ${fitSeconds.reward.toFixed(1)} s`);
  }
  memoryMiB.afterReward = mib(process.memoryUsage().rss);
  const cascadeFit = fitCascade(setup, options.cascade, { prerankUsers: options.prerankUsers });
  for (const [part, seconds] of Object.entries(cascadeFit.seconds)) fitSeconds[`cascade.${part}`] = seconds;
  memoryMiB.afterCascadeFit = mib(process.memoryUsage().rss);
  log(
    `cascade fit: ${Object.entries(cascadeFit.seconds)
      .map(([part, s]) => `${part} ${s.toFixed(1)} s`)
      .join(', ')}`,
  );

  setThreads(1);
  const measure = { rate: options.rate };
  const cascadePoints = cascadeKnobPoints(options.cascade).map((knobs) => {
    measurePeak();
    const point = measurePoint(
      setup,
      cascadeLabel(knobs),
      { ...knobs },
      cascadeServe(setup, cascadeFit.parts, knobs, reward),
      { ...measure, modelStages: cascadeModelStages },
    );
    log(describe('cascade', point));
    return point;
  });

  const generativePoints: MeasuredPoint[] = [];
  for (const size of options.generative.models) {
    setThreads(options.fitThreads);
    const fit = await fitGenerative(setup, size, options.budget);
    setThreads(1);
    fitSeconds[`generative.${size.name}`] = fit.seconds;
    memoryMiB[`afterGenerative.${size.name}`] = mib(process.memoryUsage().rss);
    log(
      `generative ${size.name}: ${fit.epochs} epochs on ${fit.trainUsers} users in ${fit.seconds.toFixed(1)} s`,
    );
    for (const beamWidth of options.generative.beamWidth)
      for (const rerank of options.generative.rerank) {
        const knobs = { model: size.name, dim: size.dim, layers: size.layers, beamWidth, rerank };
        measurePeak();
        const point = measurePoint(
          setup,
          `${size.name}, beam ${beamWidth}, rerank ${rerank}`,
          knobs,
          generativeServe(setup, fit, { beamWidth, rerank }, reward),
          { ...measure, modelStages: generativeModelStages },
        );
        log(describe('generative', point));
        generativePoints.push(point);
      }
  }
  memoryMiB.peak = Math.round(process.resourceUsage().maxRSS / 1024);

  const floor = setup.reference.randomQuality;
  log(`GEMM peak, highest reading: ${peakGflops.toFixed(1)} GFLOP/s`);
  const cascade = pipelineResult(cascadePoints, floor, peakGflops);
  const generative = pipelineResult(generativePoints, floor, peakGflops);
  const equalQuality = cpuRatioAtEqualQuality(generative.front, cascade.best);
  return {
    items: options.items,
    users: setup.world.population.size,
    impressions: setup.traffic.log.size,
    evalUsers: setup.users.length,
    semanticIds: semanticIdShape(options.items),
    reference: setup.reference,
    backend,
    peakGflops,
    requestRate: options.rate,
    fitSeconds,
    memoryMiB,
    cascade,
    generative,
    cpuRatioAtEqualQuality: equalQuality.ratio,
    equalQuality,
    generativeFrontP99Within20Ms: generative.front.every((point) => point.p99Ms <= 20),
    measured: new Date().toISOString(),
  };
}

function describe(pipeline: string, point: MeasuredPoint): string {
  const stages = Object.entries(point.stagesCpuMs)
    .map(([stage, ms]) => `${stage} ${ms.toFixed(2)}`)
    .join(', ');
  return `${pipeline} ${point.label}: ${point.cpuMsPerRequest.toFixed(2)} CPU ms (${stages}), p50 ${point.p50Ms.toFixed(1)} p99 ${point.p99Ms.toFixed(1)} ms, ${(point.flopsPerRequest / 1e6).toFixed(2)} MFLOP, ${point.achievedGflops.toFixed(2)} GFLOP/s, quality ${point.quality.toFixed(4)}, truth recall ${point.truthRecall.toFixed(4)}`;
}
