import { kernels } from '../backend/select.js';
import { opEnd, opStart } from '../profiler.js';
import { formatShape } from '../shape.js';
import { gradOf, needsGrad, record } from '../tape.js';
import { output, type Tensor } from '../tensor.js';

function checkAffine(op: string, x: Tensor, cols: number, t: Tensor | null): void {
  if (t !== null && (t.ndim !== 1 || t.size !== cols)) {
    throw new RangeError(
      `${op}: parameter ${formatShape(t.shape)} does not match input ${formatShape(x.shape)}`,
    );
  }
}

/** LayerNorm over the last axis (Ba et al. 2016): (x - mean) / sqrt(var + eps) * gamma + beta. */
export function layerNorm(x: Tensor, gamma: Tensor | null, beta: Tensor | null, eps = 1e-5): Tensor {
  const t0 = opStart();
  const cols = x.shape[x.ndim - 1] ?? 1;
  checkAffine('layerNorm', x, cols, gamma);
  checkAffine('layerNorm', x, cols, beta);
  const rows = x.size / cols;
  const out = output(x.shape);
  const mean = new Float32Array(rows);
  const rstd = new Float32Array(rows);
  const k = kernels();
  k.layerNorm(x.data, gamma?.data ?? null, beta?.data ?? null, out.data, mean, rstd, rows, cols, eps);
  if (needsGrad(x, gamma, beta)) {
    record('layerNorm', out, (g) =>
      k.layerNormBackward(
        g,
        x.data,
        gamma?.data ?? null,
        mean,
        rstd,
        x.requiresGrad ? gradOf(x) : null,
        gamma?.requiresGrad ? gradOf(gamma) : null,
        beta?.requiresGrad ? gradOf(beta) : null,
        rows,
        cols,
      ),
    );
  }
  opEnd('layerNorm', t0);
  return out;
}

/** RMSNorm over the last axis (Zhang & Sennrich 2019): x / sqrt(mean(x^2) + eps) * gamma. */
export function rmsNorm(x: Tensor, gamma: Tensor | null, eps = 1e-6): Tensor {
  const t0 = opStart();
  const cols = x.shape[x.ndim - 1] ?? 1;
  checkAffine('rmsNorm', x, cols, gamma);
  const rows = x.size / cols;
  const out = output(x.shape);
  const rstd = new Float32Array(rows);
  const k = kernels();
  k.rmsNorm(x.data, gamma?.data ?? null, out.data, rstd, rows, cols, eps);
  if (needsGrad(x, gamma)) {
    record('rmsNorm', out, (g) =>
      k.rmsNormBackward(
        g,
        x.data,
        gamma?.data ?? null,
        rstd,
        x.requiresGrad ? gradOf(x) : null,
        gamma?.requiresGrad ? gradOf(gamma) : null,
        rows,
        cols,
      ),
    );
  }
  opEnd('rmsNorm', t0);
  return out;
}
