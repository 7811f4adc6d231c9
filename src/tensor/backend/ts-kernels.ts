import type { GemmCall, Kernels } from './kernels.js';

/**
 * Pure TypeScript kernels: the fallback when the addon cannot be built or loaded,
 * and the reference the native kernels are tested against. Straight loops, with
 * accumulation in double precision where rows are reduced.
 */

const GELU_S = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

/**
 * C = alpha op(A) op(B) + beta C for one matrix. A transposed B is packed into
 * [k, n] rows first, then into 4-wide column panels; 4x4 blocks of C are
 * accumulated in locals (16 multiply-adds per 8 loads, as the 4x4 register-blocked
 * kernel of ML-STACK.md), with plain loops for the edges.
 */
function gemmOne(call: GemmCall, aOff: number, bOff: number, cOff: number): void {
  const { transA, transB, m, n, k, alpha, beta, a, lda, c, ldc } = call;
  for (let i = 0; i < m; i++) {
    const row = cOff + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) c[row + j]! *= beta;
  }
  if (alpha === 0 || k === 0) return;
  let b = call.b;
  let bo = bOff;
  let ldb = call.ldb;
  if (transB) {
    const packed = new Float32Array(k * n);
    for (let j = 0; j < n; j++) {
      const src = bOff + j * ldb;
      for (let p = 0; p < k; p++) packed[p * n + j] = b[src + p]!;
    }
    b = packed;
    bo = 0;
    ldb = n;
  }
  // A(i, p) = a[aOff + i * ars + p * acs]
  const ars = transA ? 1 : lda;
  const acs = transA ? lda : 1;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  // Column panels of B, 4 wide and contiguous over p: panel j/4 holds B[p, j..j+3] at j * k + 4 * p.
  const panels = new Float32Array(k * n4);
  for (let j = 0; j < n4; j += 4) {
    for (let p = 0; p < k; p++) {
      const src = bo + p * ldb + j;
      const dst = j * k + 4 * p;
      panels[dst] = b[src]!;
      panels[dst + 1] = b[src + 1]!;
      panels[dst + 2] = b[src + 2]!;
      panels[dst + 3] = b[src + 3]!;
    }
  }
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOff + i * ars;
    const a1 = a0 + ars;
    const a2 = a1 + ars;
    const a3 = a2 + ars;
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let p = 0; p < k; p++) {
        const o = p * acs;
        const x0 = a[a0 + o]!;
        const x1 = a[a1 + o]!;
        const x2 = a[a2 + o]!;
        const x3 = a[a3 + o]!;
        const br = j * k + 4 * p;
        const y0 = panels[br]!;
        const y1 = panels[br + 1]!;
        const y2 = panels[br + 2]!;
        const y3 = panels[br + 3]!;
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      const r0 = cOff + i * ldc + j;
      const r1 = r0 + ldc;
      const r2 = r1 + ldc;
      const r3 = r2 + ldc;
      c[r0]! += alpha * c00;
      c[r0 + 1]! += alpha * c01;
      c[r0 + 2]! += alpha * c02;
      c[r0 + 3]! += alpha * c03;
      c[r1]! += alpha * c10;
      c[r1 + 1]! += alpha * c11;
      c[r1 + 2]! += alpha * c12;
      c[r1 + 3]! += alpha * c13;
      c[r2]! += alpha * c20;
      c[r2 + 1]! += alpha * c21;
      c[r2 + 2]! += alpha * c22;
      c[r2 + 3]! += alpha * c23;
      c[r3]! += alpha * c30;
      c[r3 + 1]! += alpha * c31;
      c[r3 + 2]! += alpha * c32;
      c[r3 + 3]! += alpha * c33;
    }
  }
  // Edges: the last m % 4 rows (all columns) and the last n % 4 columns (blocked rows).
  const edge = (i: number, jFrom: number): void => {
    const aRow = aOff + i * ars;
    const row = cOff + i * ldc;
    for (let j = jFrom; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[aRow + p * acs]! * b[bo + p * ldb + j]!;
      c[row + j]! += alpha * sum;
    }
  };
  for (let i = 0; i < m4; i++) edge(i, n4);
  for (let i = m4; i < m; i++) edge(i, 0);
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

  dropout(x, out, mask, p, keep, state) {
    // Random.nextUint32 on local words (a method call and four private fields per element cost 3-4x).
    let s0 = state[0]! >>> 0;
    let s1 = state[1]! >>> 0;
    let s2 = state[2]! >>> 0;
    let s3 = state[3]! >>> 0;
    for (let i = 0; i < x.length; i++) {
      const product = Math.imul(s1, 5) >>> 0;
      const result = Math.imul(((product << 7) | (product >>> 25)) >>> 0, 9) >>> 0;
      const t = (s1 << 9) >>> 0;
      s2 = (s2 ^ s0) >>> 0;
      s3 = (s3 ^ s1) >>> 0;
      s1 = (s1 ^ s2) >>> 0;
      s0 = (s0 ^ s3) >>> 0;
      s2 = (s2 ^ t) >>> 0;
      s3 = ((s3 << 11) | (s3 >>> 21)) >>> 0;
      const m = result / 4294967296 < p ? 0 : keep;
      mask[i] = m;
      out[i] = x[i]! * m;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
  },
};
