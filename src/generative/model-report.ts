import {
  type EvalPhase,
  type LatencySummary,
  type ModelReport,
  type ReportContext,
  sampleEvaluatedUsers,
  timePerUser,
} from '../eval/index.js';
import { evaluateTokenizer, type ItemVectors, type SemanticTokenizer } from '../tokenizer/index.js';

/** Test users timed per measurement (docs/generative.md measured 300). */
export const LATENCY_USERS = 300;
/** Length of the list timed. */
const LIST_LENGTH = 10;
/**
 * Untimed calls before each measurement, as a server's pipeline makes at load
 * (`GenerativePipeline.load`): V8 compiles the beam's and the ID models' hot
 * loops over the first calls, which run 2-4x slower (docs/generative.md,
 * "Latency at serving").
 */
export const WARM_UP_CALLS = 20;

type Generate = (history: Int32Array, k: number, exclude: Int32Array, beamWidth: number) => unknown;

/**
 * The generative model's extras for the evaluation report: tokenizer statistics
 * against the vectors it was fitted on (`tokenizer`), and per-user beam-search
 * latency of a top-10 list at beam 20 and 50 on a sample of the phase's users
 * (`beamLatencyMs`, after `WARM_UP_CALLS` calls on the first of them, which
 * are timed apart: `beamWarmUpMs`).
 */
export function generativeReport(
  generate: Generate,
  tokenizer: { tokenizer: SemanticTokenizer; vectors: ItemVectors | undefined },
  phase: EvalPhase,
  context: ReportContext,
): ModelReport {
  const users = sampleEvaluatedUsers(phase, LATENCY_USERS, context.random);
  const warmUp = users.slice(0, WARM_UP_CALLS);
  const timeBeam = (beamWidth: number): { warm: LatencySummary; cold: LatencySummary } => {
    const call = (user: number) =>
      generate(phase.history[user]!, LIST_LENGTH, phase.exclude[user]!, beamWidth);
    const cold = timePerUser(warmUp, call);
    return { warm: timePerUser(users, call), cold };
  };
  const beam20 = timeBeam(20);
  const beam50 = timeBeam(50);
  return {
    ...(tokenizer.vectors && { tokenizer: evaluateTokenizer(tokenizer.tokenizer, tokenizer.vectors) }),
    beamLatencyMs: { beam20: beam20.warm, beam50: beam50.warm },
    beamWarmUpMs: { beam20: beam20.cold, beam50: beam50.cold },
  };
}

/** SASRec's extras: per-user latency of scoring the whole catalogue for one history (`scoringLatencyMs`). */
export function scoringReport(
  score: (history: Int32Array, scores: Float32Array) => void,
  phase: EvalPhase,
  context: ReportContext,
): ModelReport {
  const users = sampleEvaluatedUsers(phase, LATENCY_USERS, context.random);
  const scores = new Float32Array(context.numItems);
  const warm = users[0];
  if (warm !== undefined) score(phase.history[warm]!, scores);
  return { scoringLatencyMs: timePerUser(users, (user) => score(phase.history[user]!, scores)) };
}
