import { Random } from '../core/index.js';
import { LazyDecoder } from './lazy-decoder.js';

/**
 * A copy of a lazy decoder with its own weights (DPO's reference model π_ref):
 * same config, every parameter copied, evaluation mode. Nothing ever hands its
 * parameters to an optimizer, so it stays as the policy was when copied.
 */
export function frozenCopy(model: LazyDecoder): LazyDecoder {
  const copy = new LazyDecoder(model.config, new Random(0));
  const source = new Map(model.namedParameters());
  for (const [name, parameter] of copy.namedParameters()) {
    const from = source.get(name);
    if (from === undefined || from.size !== parameter.size)
      throw new RangeError(`frozenCopy: parameter ${name} does not match the model`);
    parameter.data.set(from.data);
  }
  return copy.eval();
}
