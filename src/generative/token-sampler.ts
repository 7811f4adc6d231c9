import type { Random } from '../core/index.js';
import type { BeamSearchResult, StepDecoder } from './beam-search.js';
import { applyProcessors, type LogitsProcessor, logSoftmaxRows } from './logits-processor.js';

export interface SampleSequenceOptions {
  /** Tokens of the sequence (a semantic ID's length). */
  steps: number;
  processors?: readonly LogitsProcessor[];
  /** Tokens are drawn from softmax(log p / temperature); 1 draws from the model's distribution. */
  temperature: number;
  random: Random;
}

/**
 * Ancestral sampling, the other sampler beside beam search: one sequence whose
 * every token is drawn from the processed next-token distribution, one
 * `random.next()` per token. Same result shape as `beamSearch` (one row, its
 * score the sum of the processed token log-probabilities); no row when the
 * processors leave nothing to draw.
 */
export function sampleSequence(decoder: StepDecoder, options: SampleSequenceOptions): BeamSearchResult {
  const { steps, temperature, random } = options;
  if (!(temperature > 0)) throw new RangeError(`sampleSequence: temperature must be > 0, got ${temperature}`);
  const processors = options.processors ?? [];
  const size = decoder.vocabularySize;
  const tokens = new Int32Array(steps);
  const parents = Int32Array.of(0);
  let score = 0;
  let logits = decoder.begin();
  for (let step = 0; step < steps; step++) {
    const logProbs = logits.slice(0, size); // [V]
    logSoftmaxRows(logProbs, 1, size);
    applyProcessors(processors, { beams: 1, step, tokens: tokens.subarray(0, step) }, logProbs, size);
    let max = Number.NEGATIVE_INFINITY;
    for (const value of logProbs) if (value > max) max = value;
    if (max === Number.NEGATIVE_INFINITY) return { tokens: new Int32Array(0), scores: new Float32Array(0) };
    const weights = new Float32Array(size);
    let total = 0;
    for (let token = 0; token < size; token++) {
      const weight = Math.exp((logProbs[token]! - max) / temperature);
      weights[token] = weight;
      total += weight;
    }
    let pick = random.next() * total;
    let chosen = -1;
    for (let token = 0; token < size; token++) {
      if (weights[token]! === 0) continue;
      chosen = token;
      pick -= weights[token]!;
      if (pick < 0) break;
    }
    tokens[step] = chosen;
    score += logProbs[chosen]!;
    if (step + 1 < steps) logits = decoder.step(parents, Int32Array.of(chosen));
  }
  return { tokens, scores: Float32Array.of(score) };
}
