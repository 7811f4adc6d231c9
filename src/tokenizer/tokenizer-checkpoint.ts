import { z } from 'zod';
import { InvalidInputError } from '../core/index.js';
import {
  type Checkpoint,
  decodeSafetensors,
  encodeSafetensors,
  IntTensor,
  loadCheckpoint,
  type StoredTensor,
  saveCheckpoint,
  Tensor,
} from '../tensor/index.js';
import { SemanticTokenizer } from './semantic-tokenizer.js';

const FORMAT = 'genfeed.semantic-tokenizer';

/** The checkpoint's config (safetensors metadata "genfeed.config"). */
const tokenizerConfig = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.literal(1),
  levels: z.number().int().min(1),
  codebookSize: z.number().int().min(1),
  dim: z.number().int().min(1),
  items: z.number().int().min(0),
  disambiguationCapacity: z.number().int().min(1),
  firstToken: z.number().int().min(0),
  training: z
    .object({
      seed: z.number(),
      iterations: z.number().int().min(1),
      tolerance: z.number().min(0),
      balanced: z.boolean(),
      candidates: z.number().int().min(1),
    })
    .optional(),
});

/**
 * Tensors: "codebooks" F32 [levels, codebookSize, dim] and "semantic_ids" I32
 * [items, levels + 1]; the config above as metadata.
 */
function tensorsOf(tokenizer: SemanticTokenizer): [string, StoredTensor][] {
  const { levels, codebookSize, dim } = tokenizer;
  const codebooks = new Float32Array(levels * codebookSize * dim);
  for (let level = 0; level < levels; level++)
    codebooks.set(tokenizer.codebook(level), level * codebookSize * dim);
  return [
    ['codebooks', new Tensor(codebooks, [levels, codebookSize, dim])],
    ['semantic_ids', new IntTensor(tokenizer.semanticIds(), [tokenizer.itemCount, tokenizer.depth])],
  ];
}

function configOf(tokenizer: SemanticTokenizer): z.infer<typeof tokenizerConfig> {
  return {
    format: FORMAT,
    formatVersion: 1,
    levels: tokenizer.levels,
    codebookSize: tokenizer.codebookSize,
    dim: tokenizer.dim,
    items: tokenizer.itemCount,
    disambiguationCapacity: tokenizer.disambiguationCapacity,
    firstToken: tokenizer.vocabulary.firstToken,
    ...(tokenizer.training === undefined ? {} : { training: tokenizer.training }),
  };
}

/** The tokenizer as safetensors bytes. */
export function encodeTokenizer(tokenizer: SemanticTokenizer): Uint8Array {
  return encodeSafetensors(tensorsOf(tokenizer), { config: configOf(tokenizer) });
}

/** Parses safetensors bytes written by `encodeTokenizer`; `source` names the file in errors. */
export function decodeTokenizer(bytes: Uint8Array, source: string): SemanticTokenizer {
  return tokenizerFrom(decodeSafetensors(bytes, source), source);
}

/** Writes the codebooks, the item -> semantic ID table and the config atomically. */
export async function saveTokenizer(path: string, tokenizer: SemanticTokenizer): Promise<void> {
  await saveCheckpoint(path, tensorsOf(tokenizer), { config: configOf(tokenizer) });
}

export async function loadTokenizer(path: string): Promise<SemanticTokenizer> {
  return tokenizerFrom(await loadCheckpoint(path), path);
}

function tokenizerFrom(checkpoint: Checkpoint, source: string): SemanticTokenizer {
  const fail = (problem: string, cause?: unknown): never => {
    throw new InvalidInputError(
      `Cannot load tokenizer ${source}: ${problem}`,
      cause === undefined ? undefined : { cause },
    );
  };
  const parsed = tokenizerConfig.safeParse(checkpoint.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`config is not a ${FORMAT} config (${issue?.path.join('.') || 'config'}: ${issue?.message})`);
  }
  const config = parsed.data!;
  const codebooks = checkpoint.tensors.get('codebooks');
  const semanticIds = checkpoint.tensors.get('semantic_ids');
  const expectShape = (
    tensor: StoredTensor | undefined,
    name: string,
    shape: number[],
    kind: string,
  ): void => {
    if (tensor === undefined) fail(`tensor "${name}" is missing`);
    if ((kind === 'F32') !== tensor instanceof Tensor) fail(`tensor "${name}" must be ${kind}`);
    if (tensor!.shape.length !== shape.length || tensor!.shape.some((d, i) => d !== shape[i])) {
      fail(
        `tensor "${name}" has shape [${tensor!.shape.join(', ')}], the config needs [${shape.join(', ')}]`,
      );
    }
  };
  const { levels, codebookSize, dim, items } = config;
  expectShape(codebooks, 'codebooks', [levels, codebookSize, dim], 'F32');
  expectShape(semanticIds, 'semantic_ids', [items, levels + 1], 'I32');
  const table = (codebooks as Tensor).data;
  try {
    return new SemanticTokenizer({
      codebooks: Array.from({ length: levels }, (_, level) =>
        table.subarray(level * codebookSize * dim, (level + 1) * codebookSize * dim),
      ),
      dim,
      semanticIds: (semanticIds as IntTensor).data,
      disambiguationCapacity: config.disambiguationCapacity,
      firstToken: config.firstToken,
      ...(config.training === undefined ? {} : { training: config.training }),
    });
  } catch (error) {
    return fail((error as Error).message, error);
  }
}
