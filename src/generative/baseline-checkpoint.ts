import { MarkovKnn, type MarkovParams, type Neighbours, Popularity } from '../baselines/index.js';
import { InvalidInputError } from '../core/index.js';
import {
  type Checkpoint,
  IntTensor,
  loadCheckpoint,
  type StoredTensor,
  saveCheckpoint,
  Tensor,
} from '../tensor/index.js';

/**
 * Fitted baselines as safetensors files, for the ones a generative model
 * serves beside it as its ID model (`idModel`): named arrays plus the model's
 * name and params in the config.
 */
export interface BaselineState {
  model: string;
  params: Record<string, unknown>;
  floats: Record<string, Float32Array>;
  neighbours: Record<string, Neighbours>;
}

/** Writes `state` to `path` (atomically, as every checkpoint). */
export async function saveBaseline(path: string, state: BaselineState): Promise<void> {
  const tensors: Array<[string, StoredTensor]> = [];
  for (const [name, values] of Object.entries(state.floats))
    tensors.push([name, new Tensor(values, [values.length])]);
  for (const [name, { offsets, items, weights }] of Object.entries(state.neighbours)) {
    tensors.push([`${name}.offsets`, new IntTensor(offsets, [offsets.length])]);
    // Empty neighbour lists are stored as one unused slot (a tensor has at least one value).
    tensors.push([
      `${name}.items`,
      new IntTensor(items.length > 0 ? items : new Int32Array(1), [Math.max(1, items.length)]),
    ]);
    tensors.push([
      `${name}.weights`,
      new Tensor(weights.length > 0 ? weights : new Float32Array(1), [Math.max(1, weights.length)]),
    ]);
  }
  await saveCheckpoint(path, tensors, {
    config: { model: state.model, params: state.params, neighbours: Object.keys(state.neighbours) },
  });
}

/** Reads a file `saveBaseline` wrote for `model`; names the file and what is wrong otherwise. */
export async function loadBaseline(
  path: string,
  model: string,
  floats: readonly string[],
): Promise<BaselineState> {
  const checkpoint = await loadCheckpoint(path);
  const fail = (problem: string): never => {
    throw new InvalidInputError(`Cannot load ${path}: ${problem}`);
  };
  const config = checkpoint.config as { model?: unknown; params?: unknown; neighbours?: unknown } | null;
  if (config?.model !== model) fail(`not a ${model} checkpoint`);
  const state: BaselineState = {
    model,
    params: (config?.params ?? {}) as Record<string, unknown>,
    floats: {},
    neighbours: {},
  };
  for (const name of floats) state.floats[name] = floatsOf(checkpoint, name, fail);
  const names = Array.isArray(config?.neighbours) ? (config.neighbours as string[]) : [];
  for (const name of names) {
    const offsets = intsOf(checkpoint, `${name}.offsets`, fail);
    const count = offsets[offsets.length - 1] ?? 0;
    const items = intsOf(checkpoint, `${name}.items`, fail).subarray(0, count);
    const weights = floatsOf(checkpoint, `${name}.weights`, fail).subarray(0, count);
    if (items.length !== count || weights.length !== count)
      fail(`${name} holds ${items.length} items and ${weights.length} weights, its offsets end at ${count}`);
    state.neighbours[name] = { offsets, items, weights };
  }
  return state;
}

function floatsOf(checkpoint: Checkpoint, name: string, fail: (problem: string) => never): Float32Array {
  const stored = checkpoint.tensors.get(name);
  if (!(stored instanceof Tensor)) return fail(`tensor "${name}" is missing or not float32`);
  return stored.data;
}

function intsOf(checkpoint: Checkpoint, name: string, fail: (problem: string) => never): Int32Array {
  const stored = checkpoint.tensors.get(name);
  if (!(stored instanceof IntTensor)) return fail(`tensor "${name}" is missing or not int32`);
  return stored.data;
}

/** Writes a fitted MarkovKnn (`loadMarkov` reads it). */
export function saveMarkov(path: string, markov: MarkovKnn): Promise<void> {
  const { params, transitions, neighbours, prior } = markov.state();
  return saveBaseline(path, {
    model: 'markov',
    params,
    floats: { prior },
    neighbours: { transitions, neighbours },
  });
}

export async function loadMarkov(path: string): Promise<MarkovKnn> {
  const state = await loadBaseline(path, 'markov', ['prior']);
  const { transitions, neighbours } = state.neighbours;
  if (transitions === undefined || neighbours === undefined)
    throw new InvalidInputError(`Cannot load ${path}: the transitions or the neighbourhoods are missing`);
  try {
    return MarkovKnn.fromState({
      params: state.params as MarkovParams,
      transitions,
      neighbours,
      prior: state.floats.prior!,
    });
  } catch (error) {
    throw new InvalidInputError(`Cannot load ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes a fitted Popularity (`loadPopularity` reads it). */
export function savePopularity(path: string, popularity: Popularity): Promise<void> {
  return saveBaseline(path, {
    model: 'pop',
    params: {},
    floats: { counts: popularity.counts() },
    neighbours: {},
  });
}

export async function loadPopularity(path: string): Promise<Popularity> {
  return Popularity.fromCounts((await loadBaseline(path, 'pop', ['counts'])).floats.counts!);
}
