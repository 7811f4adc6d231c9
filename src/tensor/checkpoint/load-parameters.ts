import { InvalidInputError } from '../../core/index.js';
import { IntTensor } from '../int-tensor.js';
import type { Module } from '../nn/module.js';
import { formatShape, sameShape } from '../shape.js';
import type { Checkpoint } from './safetensors.js';

/**
 * Copies checkpoint tensors into a module's parameters by name. Every parameter
 * must be present with the same shape; extra checkpoint tensors are an error
 * unless `strict` is false.
 */
export function loadParameters(
  module: Module,
  checkpoint: Checkpoint,
  options: { strict?: boolean; source?: string } = {},
): void {
  const source = options.source ?? 'checkpoint';
  const strict = options.strict ?? true;
  const params = module.namedParameters();
  for (const [name, param] of params) {
    const stored = checkpoint.tensors.get(name);
    if (stored === undefined)
      throw new InvalidInputError(`Cannot load ${source}: parameter "${name}" is missing`);
    if (stored instanceof IntTensor)
      throw new InvalidInputError(`Cannot load ${source}: parameter "${name}" is stored as I32`);
    if (!sameShape(stored.shape, param.shape)) {
      throw new InvalidInputError(
        `Cannot load ${source}: parameter "${name}" has shape ${formatShape(stored.shape)}, the model needs ${formatShape(param.shape)}`,
      );
    }
  }
  if (strict) {
    const known = new Set(params.map(([name]) => name));
    for (const name of checkpoint.tensors.keys()) {
      if (!known.has(name)) throw new InvalidInputError(`Cannot load ${source}: unexpected tensor "${name}"`);
    }
  }
  for (const [name, param] of params)
    param.data.set((checkpoint.tensors.get(name) as { data: Float32Array }).data);
}
