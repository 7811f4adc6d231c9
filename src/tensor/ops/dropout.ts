import type { Random } from '../../core/index.js';
import { kernels } from '../backend/select.js';
import { opEnd, opStart } from '../profiler.js';
import { gradOf, needsGrad, record } from '../tape.js';
import { output, type Tensor } from '../tensor.js';

/**
 * Inverted dropout (Srivastava et al. 2014): zero each element with probability p
 * and scale survivors by 1 / (1 - p), using the given seeded source so a run
 * replays exactly. Identity when p is 0.
 */
export function dropout(x: Tensor, p: number, random: Random): Tensor {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: p must be in [0, 1), got ${p}`);
  if (p === 0) return x;
  const t0 = opStart();
  const keep = 1 / (1 - p);
  const mask = new Float32Array(x.size);
  const out = output(x.shape);
  // The kernel draws from the source's own stream (element i: its i-th next() < p) and advances it.
  const state = random.getState();
  kernels().dropout(x.data, out.data, mask, p, keep, state);
  random.setState(state);
  if (needsGrad(x)) {
    record('dropout', out, (g) => {
      const dx = gradOf(x);
      for (let i = 0; i < dx.length; i++) dx[i]! += g[i]! * mask[i]!;
    });
  }
  opEnd('dropout', t0);
  return out;
}
