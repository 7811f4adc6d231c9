import { Act, type Activation } from '../backend/kernels.js';
import { kernels } from '../backend/select.js';
import { allocate } from '../buffer-pool.js';
import { opEnd, opStart } from '../profiler.js';
import { formatShape } from '../shape.js';
import { gradOf, needsGrad, record } from '../tape.js';
import { output, Tensor } from '../tensor.js';
import { accumulateGrad } from './grad.js';

/**
 * act(x + bias) with bias over the last axis (bias may be null). GELU is the tanh
 * approximation (Hendrycks & Gimpel 2016, as in GPT-2). The pre-activation is kept
 * for the backward only where the derivative needs it (GELU, SiLU). `inPlace`
 * overwrites x's buffer: only for a private intermediate nobody else reads.
 */
export function biasActivation(
  x: Tensor,
  bias: Tensor | null,
  activation: Activation,
  options: { inPlace?: boolean } = {},
): Tensor {
  const t0 = opStart();
  const cols = x.shape[x.ndim - 1] ?? 1;
  if (bias !== null && (bias.ndim !== 1 || bias.size !== cols)) {
    throw new RangeError(
      `biasActivation: bias ${formatShape(bias.shape)} does not match x ${formatShape(x.shape)}`,
    );
  }
  const rows = cols === 0 ? 0 : x.size / cols;
  const act = Act[activation];
  // In place only for a private input whose values the backward does not need (see linear).
  const inPlace = (options.inPlace ?? false) && act !== Act.gelu && act !== Act.silu;
  const out = inPlace ? new Tensor(x.data, x.shape) : output(x.shape);
  const k = kernels();
  k.biasAct(x.data, bias === null ? null : bias.data, out.data, rows, cols, act);
  const name = activation === 'none' ? 'bias' : activation;
  if (needsGrad(x, bias)) {
    // Keep x (the pre-activation) alive only when the derivative needs it.
    const pre = act === Act.gelu || act === Act.silu ? x.data : out.data;
    record(name, out, (g) => {
      const dbias = bias?.requiresGrad ? gradOf(bias) : null;
      if (act === Act.none) {
        if (dbias !== null) k.biasActBackward(g, pre, null, out.data, null, dbias, rows, cols, act, false);
        accumulateGrad(x, g, true);
      } else {
        // A first gradient is written directly instead of zero-filled and added to.
        const fresh = x.requiresGrad && x.grad === null;
        const dx = fresh ? allocate(x.size) : x.requiresGrad ? gradOf(x) : null;
        if (fresh) x.grad = dx;
        k.biasActBackward(g, pre, bias?.data ?? null, out.data, dx, dbias, rows, cols, act, fresh);
      }
    });
  }
  opEnd(name, t0);
  return out;
}

export function relu(x: Tensor): Tensor {
  return biasActivation(x, null, 'relu');
}

/** GELU, tanh approximation. */
export function gelu(x: Tensor): Tensor {
  return biasActivation(x, null, 'gelu');
}

/** SiLU / swish: x * sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return biasActivation(x, null, 'silu');
}

export function sigmoid(x: Tensor): Tensor {
  return biasActivation(x, null, 'sigmoid');
}
