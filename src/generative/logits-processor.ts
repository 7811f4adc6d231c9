/**
 * What a logits processor sees of the beams at one decoding step: every beam's
 * tokens so far, [beams, step] row-major (step 0: one empty beam).
 */
export interface BeamPrefixes {
  beams: number;
  step: number;
  /** [beams, step] tokens generated so far. */
  tokens: Int32Array;
}

/**
 * Rewrites next-token log-probabilities [beams, V] in place before beam
 * selection (transformers.js / Hugging Face `LogitsProcessor`): a token set to
 * -Infinity can never be chosen.
 */
export interface LogitsProcessor {
  process(prefixes: BeamPrefixes, logProbs: Float32Array, vocabularySize: number): void;
}

/** Runs processors in order. */
export function applyProcessors(
  processors: readonly LogitsProcessor[],
  prefixes: BeamPrefixes,
  logProbs: Float32Array,
  vocabularySize: number,
): void {
  for (const processor of processors) processor.process(prefixes, logProbs, vocabularySize);
}

/** Row-wise log-softmax in place over [rows, V]; -Infinity entries stay -Infinity. */
export function logSoftmaxRows(logits: Float32Array, rows: number, vocabularySize: number): void {
  for (let row = 0; row < rows; row++) {
    const start = row * vocabularySize;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < start + vocabularySize; i++) if (logits[i]! > max) max = logits[i]!;
    if (max === Number.NEGATIVE_INFINITY) continue;
    let sum = 0;
    for (let i = start; i < start + vocabularySize; i++) sum += Math.exp(logits[i]! - max);
    const shift = max + Math.log(sum);
    for (let i = start; i < start + vocabularySize; i++) logits[i] = logits[i]! - shift;
  }
}
