import { applyProcessors, type LogitsProcessor, logSoftmaxRows } from './logits-processor.js';

/**
 * A model seen one decoding step at a time (with its KV cache behind it): what
 * beam search drives. The logits it returns are the caller's to overwrite (the
 * samplers take their log-softmax in place) until the next call, which may
 * reuse the array.
 */
export interface StepDecoder {
  readonly vocabularySize: number;
  /** Next-token logits after the context, [1, V]. */
  begin(): Float32Array;
  /**
   * Keeps the beams `parents` (indices into the previous step's beams, in this
   * order, repeats allowed), appends `tokens` [beams] to them and returns their
   * next-token logits [beams, V].
   */
  step(parents: Int32Array, tokens: Int32Array): Float32Array;
  /**
   * A model with a next-item head: its logits over the catalogue [numItems]
   * after the context (valid once `begin` ran).
   */
  itemLogits?(): Float32Array;
  /** Another decoder over the same context, sharing its prefill (its own beams). */
  fork?(): StepDecoder;
  /**
   * Gives the decoder's buffers back for reuse once its caller is done with it
   * and with every array it returned (optional: without it they are collected).
   */
  release?(): void;
}

export interface BeamSearchOptions {
  beamWidth: number;
  /** Tokens per output sequence (a semantic ID's length). */
  steps: number;
  processors?: readonly LogitsProcessor[];
}

export interface BeamSearchResult {
  /** [n, steps] the finished beams, best first (n <= beamWidth: fewer when the processors leave fewer). */
  tokens: Int32Array;
  /** [n] sum of the token log-probabilities of each beam. */
  scores: Float32Array;
}

/**
 * Beam search as a sampler (transformers.js / Hugging Face `generate`): at every
 * step each beam's next-token log-softmax passes through the logits processors,
 * every (beam, token) pair is scored by beam score + log p, and the best
 * `beamWidth` pairs become the next beams. Ties go to the lower (beam, token)
 * index, so results are deterministic. All sequences have the same length, so
 * there is no end token and no length penalty.
 */
export function beamSearch(decoder: StepDecoder, options: BeamSearchOptions): BeamSearchResult {
  const { beamWidth, steps } = options;
  if (!(Number.isInteger(beamWidth) && beamWidth >= 1))
    throw new RangeError(`beamSearch: beamWidth must be a positive integer, got ${beamWidth}`);
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new RangeError(`beamSearch: steps must be a positive integer, got ${steps}`);
  const processors = options.processors ?? [];
  const vocabularySize = decoder.vocabularySize;
  let beams = 1;
  let tokens = new Int32Array(0); // [beams, step]
  let scores = new Float32Array(1); // [beams]
  let logits = decoder.begin();
  const chosenScore = new Float64Array(beamWidth);
  const chosenIndex = new Int32Array(beamWidth);
  for (let step = 0; step < steps; step++) {
    const logProbs = logits.subarray(0, beams * vocabularySize); // [beams, V]
    logSoftmaxRows(logProbs, beams, vocabularySize);
    applyProcessors(processors, { beams, step, tokens }, logProbs, vocabularySize);
    // The best beamWidth (beam, token) pairs, kept sorted best first.
    let count = 0;
    for (let beam = 0; beam < beams; beam++) {
      const base = scores[beam]!;
      for (let token = 0; token < vocabularySize; token++) {
        const logProb = logProbs[beam * vocabularySize + token]!;
        if (logProb === Number.NEGATIVE_INFINITY) continue;
        const score = base + logProb;
        if (count === beamWidth && score <= chosenScore[count - 1]!) continue;
        let at = count < beamWidth ? count++ : count - 1;
        while (at > 0 && chosenScore[at - 1]! < score) {
          chosenScore[at] = chosenScore[at - 1]!;
          chosenIndex[at] = chosenIndex[at - 1]!;
          at--;
        }
        chosenScore[at] = score;
        chosenIndex[at] = beam * vocabularySize + token;
      }
    }
    const parents = new Int32Array(count);
    const next = new Int32Array(count);
    const nextTokens = new Int32Array(count * (step + 1)); // [count, step + 1]
    const nextScores = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const parent = Math.floor(chosenIndex[i]! / vocabularySize);
      parents[i] = parent;
      next[i] = chosenIndex[i]! - parent * vocabularySize;
      nextTokens.set(tokens.subarray(parent * step, (parent + 1) * step), i * (step + 1));
      nextTokens[i * (step + 1) + step] = next[i]!;
      nextScores[i] = chosenScore[i]!;
    }
    beams = count;
    tokens = nextTokens;
    scores = nextScores;
    if (beams === 0) break;
    if (step + 1 < steps) logits = decoder.step(parents, next);
  }
  if (beams === 0) return { tokens: new Int32Array(0), scores: new Float32Array(0) };
  return { tokens, scores };
}

/**
 * Teacher-forced path log-probabilities: the sum over `steps` tokens of each
 * given sequence's log-softmax under `decoder` (the beam score it would get,
 * processors aside), all sequences in one batch. `tokens` is [n, steps].
 */
export function pathLogProbs(decoder: StepDecoder, tokens: Int32Array, steps: number): Float32Array {
  const n = tokens.length / steps;
  const vocabularySize = decoder.vocabularySize;
  const scores = new Float32Array(n);
  if (n === 0) return scores;
  let logProbs = decoder.begin().subarray(0, vocabularySize); // [1, V]
  logSoftmaxRows(logProbs, 1, vocabularySize);
  for (let i = 0; i < n; i++) scores[i] = logProbs[tokens[i * steps]!]!;
  let parents = new Int32Array(n); // step 1: every row continues the single context
  for (let step = 1; step < steps; step++) {
    const fed = Int32Array.from({ length: n }, (_, i) => tokens[i * steps + step - 1]!);
    logProbs = decoder.step(parents, fed).subarray(0, n * vocabularySize); // [n, V]
    logSoftmaxRows(logProbs, n, vocabularySize);
    for (let i = 0; i < n; i++) scores[i]! += logProbs[i * vocabularySize + tokens[i * steps + step]!]!;
    parents = Int32Array.from({ length: n }, (_, i) => i);
  }
  return scores;
}
