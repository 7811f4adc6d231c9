import { join } from 'node:path';
import type { Recommender } from '../eval/index.js';
import { GenerativeRecommender } from './generative-spec.js';
import { SasRecRecommender } from './sasrec-spec.js';

/** How one model family writes itself into a model directory and reads itself back. */
export interface ModelFormat {
  name: string;
  /** Writes the model's files into `dir`; returns their names. */
  save(recommender: Recommender, dir: string, itemIds: readonly string[]): Promise<string[]>;
  load(dir: string): Promise<Recommender>;
}

const MODEL_FILE = 'model.safetensors';
const TOKENIZER_FILE = 'tokenizer.safetensors';
const ID_MODEL_FILE = 'id-model.safetensors';
const SECOND_ID_MODEL_FILE = 'second-id-model.safetensors';

function ensureKind<T>(
  recommender: Recommender,
  kind: abstract new (...args: never[]) => T,
  name: string,
): T {
  if (!(recommender instanceof kind)) throw new TypeError(`saveModelDirectory: not a ${name} recommender`);
  return recommender;
}

const sasrecFormat: ModelFormat = {
  name: 'sasrec',
  async save(recommender, dir) {
    await ensureKind(recommender, SasRecRecommender, 'sasrec').save(join(dir, MODEL_FILE));
    return [MODEL_FILE];
  },
  load: (dir) => SasRecRecommender.load(join(dir, MODEL_FILE)),
};

/** Weights and the semantic-ID tokenizer (with the item ids) side by side; the ID models' weights when it has them. */
const generativeFormat: ModelFormat = {
  name: 'generative',
  async save(recommender, dir, itemIds) {
    const generative = ensureKind(recommender, GenerativeRecommender, 'generative');
    await generative.save(join(dir, MODEL_FILE), {
      tokenizerPath: join(dir, TOKENIZER_FILE),
      itemIds,
      idModelPath: join(dir, ID_MODEL_FILE),
      secondIdModelPath: join(dir, SECOND_ID_MODEL_FILE),
    });
    const { idModel, secondIdModel } = generative.params;
    return [
      MODEL_FILE,
      TOKENIZER_FILE,
      ...(idModel === 'none' ? [] : [ID_MODEL_FILE]),
      ...(secondIdModel === 'none' ? [] : [SECOND_ID_MODEL_FILE]),
    ];
  },
  load: (dir) =>
    GenerativeRecommender.load(
      join(dir, MODEL_FILE),
      {},
      join(dir, TOKENIZER_FILE),
      join(dir, ID_MODEL_FILE),
      join(dir, SECOND_ID_MODEL_FILE),
    ),
};

/** The model families a model directory can hold. */
export const modelFormats: readonly ModelFormat[] = [sasrecFormat, generativeFormat];
