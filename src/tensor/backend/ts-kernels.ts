import type { GemmCall, Kernels } from './kernels.js';

/**
 * Pure TypeScript kernels: the fallback when the addon cannot be built or loaded,
 * and the reference the native kernels are tested against. Straight loops, with
 * accumulation in double precision where rows are reduced.
 */

const GELU_S = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

function gemmOne(call: GemmCall, aOff: number, bOff: number, cOff: number): void {
  const { transA, transB, m, n, k, alpha, beta, a, lda, b, ldb, c, ldc } = call;
  for (let i = 0; i < m; i++) {
    const row = cOff + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) c[row + j]! *= beta;
  }
  if (alpha === 0 || k === 0) return;
  if (!transB) {
    // C[i, :] += A(i, p) * B[p, :] streams rows of B and C.
    for (let i = 0; i < m; i++) {
      const row = cOff + i * ldc;
      for (let p = 0; p < k; p++) {
        const aip = alpha * (transA ? a[aOff + p * lda + i]! : a[aOff + i * lda + p]!);
        if (aip === 0) continue;
        const bRow = bOff + p * ldb;
        for (let j = 0; j < n; j++) c[row + j]! += aip * b[bRow + j]!;
      }
    }
  } else if (!transA) {
    // C[i, j] = dot(A[i, :], B[j, :]).
    for (let i = 0; i < m; i++) {
      const aRow = aOff + i * lda;
      const row = cOff + i * ldc;
      for (let j = 0; j < n; j++) {
        const bRow = bOff + j * ldb;
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[aRow + p]! * b[bRow + p]!;
        c[row + j]! += alpha * sum;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const row = cOff + i * ldc;
      for (let j = 0; j < n; j++) {
        const bRow = bOff + j * ldb;
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[aOff + p * lda + i]! * b[bRow + p]!;
        c[row + j]! += alpha * sum;
      }
    }
  }
}

function activate(z: number, act: number): number {
  switch (act) {
    case 1:
      return Math.max(z, 0);
    case 2:
      return 0.5 * z * (1 + Math.tanh(GELU_S * (z + GELU_C * z * z * z)));
    case 3:
      return z / (1 + Math.exp(-z));
    case 4:
      return 1 / (1 + Math.exp(-z));
    default:
      return z;
  }
}

function activationGrad(z: number, y: number, act: number): number {
  switch (act) {
    case 1:
      return y > 0 ? 1 : 0;
    case 2: {
      const t = Math.tanh(GELU_S * (z + GELU_C * z * z * z));
      return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_S * (1 + 3 * GELU_C * z * z);
    }
    case 3: {
      const s = 1 / (1 + Math.exp(-z));
      return s * (1 + z * (1 - s));
    }
    case 4:
      return y * (1 - y);
    default:
      return 1;
  }
}

export const tsKernels: Kernels = {
  gemm(call) {
    for (let i0 = 0; i0 < call.batch0; i0++) {
      for (let i1 = 0; i1 < call.batch1; i1++) {
        gemmOne(
          call,
          call.aOffset + i0 * call.aStride0 + i1 * call.aStride1,
          call.bOffset + i0 * call.bStride0 + i1 * call.bStride1,
          call.cOffset + i0 * call.cStride0 + i1 * call.cStride1,
        );
      }
    }
  },

  biasAct(x, bias, out, rows, cols, act) {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let j = 0; j < cols; j++) {
        const z = x[base + j]! + (bias === null ? 0 : bias[j]!);
        out[base + j] = activate(z, act);
      }
    }
  },

  biasActBackward(dy, x, bias, out, dx, dbias, rows, cols, act, overwriteDx) {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let j = 0; j < cols; j++) {
        const z = act === 2 || act === 3 ? x[base + j]! + (bias === null ? 0 : bias[j]!) : 0;
        const g = act === 0 ? dy[base + j]! : dy[base + j]! * activationGrad(z, out[base + j]!, act);
        if (dx !== null) dx[base + j] = overwriteDx ? g : dx[base + j]! + g;
        if (dbias !== null) dbias[j]! += g;
      }
    }
  },

  layerNorm(x, gamma, beta, y, mean, rstd, rows, cols, eps) {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += x[base + j]!;
      const mu = sum / cols;
      let sq = 0;
      for (let j = 0; j < cols; j++) {
        const d = x[base + j]! - mu;
        sq += d * d;
      }
      const rs = 1 / Math.sqrt(sq / cols + eps);
      mean[r] = mu;
      rstd[r] = rs;
      for (let j = 0; j < cols; j++) {
        const h = (x[base + j]! - mu) * rs;
        y[base + j] = h * (gamma === null ? 1 : gamma[j]!) + (beta === null ? 0 : beta[j]!);
      }
    }
  },

  layerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      const mu = mean[r]!;
      const rs = rstd[r]!;
      let sumG = 0;
      let sumGH = 0;
      for (let j = 0; j < cols; j++) {
        const h = (x[base + j]! - mu) * rs;
        const d = dy[base + j]!;
        const g = d * (gamma === null ? 1 : gamma[j]!);
        sumG += g;
        sumGH += g * h;
        if (dgamma !== null) dgamma[j]! += d * h;
        if (dbeta !== null) dbeta[j]! += d;
      }
      if (dx === null) continue;
      const meanG = sumG / cols;
      const meanGH = sumGH / cols;
      for (let j = 0; j < cols; j++) {
        const h = (x[base + j]! - mu) * rs;
        const g = dy[base + j]! * (gamma === null ? 1 : gamma[j]!);
        dx[base + j]! += rs * (g - meanG - h * meanGH);
      }
    }
  },

  rmsNorm(x, gamma, y, rstd, rows, cols, eps) {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      let sq = 0;
      for (let j = 0; j < cols; j++) sq += x[base + j]! * x[base + j]!;
      const rs = 1 / Math.sqrt(sq / cols + eps);
      rstd[r] = rs;
      for (let j = 0; j < cols; j++) y[base + j] = x[base + j]! * rs * (gamma === null ? 1 : gamma[j]!);
    }
  },

  rmsNormBackward(dy, x, gamma, rstd, dx, dgamma, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      const rs = rstd[r]!;
      let sumGX = 0;
      for (let j = 0; j < cols; j++) {
        const d = dy[base + j]!;
        const g = d * (gamma === null ? 1 : gamma[j]!);
        sumGX += g * x[base + j]!;
        if (dgamma !== null) dgamma[j]! += d * x[base + j]! * rs;
      }
      if (dx === null) continue;
      const k = (rs * rs * sumGX) / cols;
      for (let j = 0; j < cols; j++) {
        const g = dy[base + j]! * (gamma === null ? 1 : gamma[j]!);
        dx[base + j]! += rs * (g - x[base + j]! * k);
      }
    }
  },

  softmax(x, y, rows, cols, mask, maskRows, log) {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      const mBase = mask === null ? 0 : (r % maskRows) * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) {
        if (mask !== null && mask[mBase + j] === 0) continue;
        const v = x[base + j]!;
        if (v > max) max = v;
      }
      if (max === -Infinity) {
        y.fill(log ? -Infinity : 0, base, base + cols);
        continue;
      }
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        if (mask !== null && mask[mBase + j] === 0) continue;
        sum += Math.exp(x[base + j]! - max);
      }
      if (log) {
        const logSum = Math.log(sum) + max;
        for (let j = 0; j < cols; j++) {
          y[base + j] = mask !== null && mask[mBase + j] === 0 ? -Infinity : x[base + j]! - logSum;
        }
      } else {
        const inv = 1 / sum;
        for (let j = 0; j < cols; j++) {
          y[base + j] = mask !== null && mask[mBase + j] === 0 ? 0 : Math.exp(x[base + j]! - max) * inv;
        }
      }
    }
  },

  softmaxBackward(dy, y, dx, rows, cols, log) {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      let sum = 0;
      if (log) {
        for (let j = 0; j < cols; j++) if (y[base + j]! !== -Infinity) sum += dy[base + j]!;
        for (let j = 0; j < cols; j++) {
          const v = y[base + j]!;
          if (v !== -Infinity) dx[base + j]! += dy[base + j]! - Math.exp(v) * sum;
        }
      } else {
        for (let j = 0; j < cols; j++) sum += dy[base + j]! * y[base + j]!;
        for (let j = 0; j < cols; j++) dx[base + j]! += y[base + j]! * (dy[base + j]! - sum);
      }
    }
  },

  attentionSoftmax(scores, batch, heads, tq, tk, scale, causalOffset, keyMask) {
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < heads; h++) {
        for (let i = 0; i < tq; i++) {
          const base = ((b * heads + h) * tq + i) * tk;
          const limit = causalOffset < 0 ? tk : Math.min(tk, i + causalOffset + 1);
          let max = -Infinity;
          for (let j = 0; j < limit; j++) {
            if (keyMask !== null && keyMask[b * tk + j] === 0) continue;
            const v = scores[base + j]! * scale;
            if (v > max) max = v;
          }
          if (max === -Infinity) {
            scores.fill(0, base, base + tk);
            continue;
          }
          let sum = 0;
          for (let j = 0; j < limit; j++) {
            if (keyMask !== null && keyMask[b * tk + j] === 0) {
              scores[base + j] = 0;
              continue;
            }
            const e = Math.exp(scores[base + j]! * scale - max);
            scores[base + j] = e;
            sum += e;
          }
          const inv = 1 / sum;
          for (let j = 0; j < limit; j++) scores[base + j]! *= inv;
          scores.fill(0, base + limit, base + tk);
        }
      }
    }
  },

  crossEntropy(logits, targets, rows, cols, smoothing, ignoreIndex, losses, lse) {
    for (let r = 0; r < rows; r++) {
      const target = targets[r]!;
      const base = r * cols;
      if (target === ignoreIndex) {
        losses[r] = 0;
        lse[r] = 0;
        continue;
      }
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (logits[base + j]! > max) max = logits[base + j]!;
      let sum = 0;
      let total = 0;
      for (let j = 0; j < cols; j++) {
        sum += Math.exp(logits[base + j]! - max);
        total += logits[base + j]!;
      }
      const l = Math.log(sum) + max;
      lse[r] = l;
      losses[r] = l - (1 - smoothing) * logits[base + target]! - (smoothing / cols) * total;
    }
  },

  crossEntropyBackward(logits, lse, targets, rows, cols, smoothing, ignoreIndex, scale, dlogits) {
    const uniform = smoothing / cols;
    for (let r = 0; r < rows; r++) {
      const target = targets[r]!;
      if (target === ignoreIndex) continue;
      const base = r * cols;
      const l = lse[r]!;
      for (let j = 0; j < cols; j++)
        dlogits[base + j]! += scale * (Math.exp(logits[base + j]! - l) - uniform);
      dlogits[base + target]! -= scale * (1 - smoothing);
    }
  },

  adamw(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, bc1, bc2) {
    const decay = 1 - lr * weightDecay;
    for (let i = 0; i < param.length; i++) {
      const g = grad[i]!;
      const mi = beta1 * m[i]! + (1 - beta1) * g;
      const vi = beta2 * v[i]! + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      param[i] = param[i]! * decay - (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + eps);
    }
  },

  gather(weight, ids, out, dim) {
    for (let i = 0; i < ids.length; i++) {
      const src = ids[i]! * dim;
      out.set(weight.subarray(src, src + dim), i * dim);
    }
  },

  scatterAdd(dy, ids, dweight, dim) {
    for (let i = 0; i < ids.length; i++) {
      const dst = ids[i]! * dim;
      const src = i * dim;
      for (let j = 0; j < dim; j++) dweight[dst + j]! += dy[src + j]!;
    }
  },

  sumSquares(x) {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
    return sum;
  },

  binary(op, a, b, out, period) {
    const n = out.length;
    for (let start = 0; start < n; start += period) {
      if (op === 0) for (let j = 0; j < period; j++) out[start + j] = a[start + j]! + b[j]!;
      else if (op === 1) for (let j = 0; j < period; j++) out[start + j] = a[start + j]! - b[j]!;
      else if (op === 2) for (let j = 0; j < period; j++) out[start + j] = a[start + j]! * b[j]!;
      else for (let j = 0; j < period; j++) out[start + j] = a[start + j]! / b[j]!;
    }
  },

  sumAxis(x, out, outer, length, inner, scale) {
    // Contiguous inner loops, summed in double precision.
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0);
      for (let l = 0; l < length; l++) {
        const row = (o * length + l) * inner;
        for (let i = 0; i < inner; i++) acc[i]! += x[row + i]!;
      }
      for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i]! * scale;
    }
  },

  sumAxisBackward(dy, dx, outer, length, inner, scale) {
    for (let o = 0; o < outer; o++) {
      for (let l = 0; l < length; l++) {
        const row = (o * length + l) * inner;
        for (let i = 0; i < inner; i++) dx[row + i]! += dy[o * inner + i]! * scale;
      }
    }
  },

  axpy(alpha, x, y) {
    for (let i = 0; i < x.length; i++) y[i]! += alpha * x[i]!;
  },

  scale(x, alpha) {
    for (let i = 0; i < x.length; i++) x[i]! *= alpha;
  },
};
