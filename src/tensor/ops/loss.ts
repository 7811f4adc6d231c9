import { kernels } from '../backend/select.js';
import type { IntTensor } from '../int-tensor.js';
import { opEnd, opStart } from '../profiler.js';
import { formatShape, sameShape } from '../shape.js';
import { gradOf, needsGrad, record } from '../tape.js';
import { Tensor } from '../tensor.js';

export interface CrossEntropyOptions {
  /** Mix the one-hot target with a uniform distribution (Szegedy et al. 2016). Default 0. */
  labelSmoothing?: number;
  /** Targets equal to this are skipped and excluded from the mean. Default -100 (PyTorch's). */
  ignoreIndex?: number;
  /** 'mean' over counted rows (default) or 'sum'. */
  reduction?: 'mean' | 'sum';
}

/**
 * Softmax cross-entropy of logits [..., V] against class ids [...], fused so the
 * [N, V] probabilities are never stored: the backward recomputes them from the
 * saved log-sum-exp. A batch where every row is ignored has loss 0.
 */
export function crossEntropy(logits: Tensor, targets: IntTensor, options: CrossEntropyOptions = {}): Tensor {
  const t0 = opStart();
  const smoothing = options.labelSmoothing ?? 0;
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!(smoothing >= 0 && smoothing < 1))
    throw new RangeError(`crossEntropy: labelSmoothing ${smoothing} not in [0, 1)`);
  const cols = logits.shape[logits.ndim - 1] ?? 0;
  if (logits.ndim < 1 || !sameShape(logits.shape.slice(0, -1), targets.shape)) {
    throw new RangeError(
      `crossEntropy: logits ${formatShape(logits.shape)} do not match targets ${formatShape(targets.shape)}`,
    );
  }
  const rows = targets.size;
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    const t = targets.data[r]!;
    if (t === ignoreIndex) continue;
    if (t < 0 || t >= cols)
      throw new RangeError(`crossEntropy: target ${t} at row ${r} is outside [0, ${cols})`);
    counted++;
  }
  const losses = new Float32Array(rows);
  const lse = new Float32Array(rows);
  const k = kernels();
  k.crossEntropy(logits.data, targets.data, rows, cols, smoothing, ignoreIndex, losses, lse);
  let total = 0;
  for (let r = 0; r < rows; r++) total += losses[r]!;
  const scale = options.reduction === 'sum' ? 1 : counted === 0 ? 0 : 1 / counted;
  const out = new Tensor(Float32Array.of(total * scale), []);
  if (needsGrad(logits) && counted > 0) {
    record('crossEntropy', out, (g) =>
      k.crossEntropyBackward(
        logits.data,
        lse,
        targets.data,
        rows,
        cols,
        smoothing,
        ignoreIndex,
        g[0]! * scale,
        gradOf(logits),
      ),
    );
  }
  opEnd('crossEntropy', t0);
  return out;
}

/**
 * Mean binary cross-entropy of sigmoid(logits) against targets in [0, 1], in the
 * stable form max(x, 0) - x t + log(1 + exp(-|x|)).
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, targets: Tensor): Tensor {
  const t0 = opStart();
  if (!sameShape(logits.shape, targets.shape)) {
    throw new RangeError(
      `binaryCrossEntropyWithLogits: logits ${formatShape(logits.shape)} do not match targets ${formatShape(targets.shape)}`,
    );
  }
  const n = logits.size;
  const x = logits.data;
  const t = targets.data;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    total += Math.max(v, 0) - v * t[i]! + Math.log1p(Math.exp(-Math.abs(v)));
  }
  const out = new Tensor(Float32Array.of(n === 0 ? 0 : total / n), []);
  if (needsGrad(logits, targets)) {
    record('bce', out, (g) => {
      const scale = g[0]! / n;
      if (logits.requiresGrad) {
        const dx = gradOf(logits);
        for (let i = 0; i < n; i++) dx[i]! += scale * (1 / (1 + Math.exp(-x[i]!)) - t[i]!);
      }
      if (targets.requiresGrad) {
        const dt = gradOf(targets);
        for (let i = 0; i < n; i++) dt[i]! -= scale * x[i]!;
      }
    });
  }
  opEnd('bce', t0);
  return out;
}
