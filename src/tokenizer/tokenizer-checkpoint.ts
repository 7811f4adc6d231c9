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
/** 2 added `itemIds`; version 1 files (no ids) still load. */
const FORMAT_VERSION = 2;

/** The checkpoint's config (safetensors metadata "genfeed.config"). */
const tokenizerConfig = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.union([z.literal(1), z.literal(2)]),
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
  /** The dataset's id of item i (row i of "semantic_ids"), so a checkpoint maps back to real items. */
  itemIds: z.array(z.string()).optional(),
});

export interface TokenizerCheckpointOptions {
  /** The dataset's id of each item (index = item), stored with the tokenizer; one per tokenizer item. */
  itemIds?: readonly string[];
}

/** A loaded tokenizer with the item ids saved beside it (undefined for files written without them). */
export interface TokenizerCheckpoint {
  tokenizer: SemanticTokenizer;
  itemIds: string[] | undefined;
}

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

function configOf(
  tokenizer: SemanticTokenizer,
  options: TokenizerCheckpointOptions,
): z.infer<typeof tokenizerConfig> {
  const { itemIds } = options;
  if (itemIds !== undefined && itemIds.length !== tokenizer.itemCount)
    throw new RangeError(`saveTokenizer: ${itemIds.length} item ids for ${tokenizer.itemCount} items`);
  return {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    levels: tokenizer.levels,
    codebookSize: tokenizer.codebookSize,
    dim: tokenizer.dim,
    items: tokenizer.itemCount,
    disambiguationCapacity: tokenizer.disambiguationCapacity,
    firstToken: tokenizer.vocabulary.firstToken,
    ...(tokenizer.training === undefined ? {} : { training: tokenizer.training }),
    ...(itemIds !== undefined && { itemIds: [...itemIds] }),
  };
}

/** The tokenizer as safetensors bytes. */
export function encodeTokenizer(
  tokenizer: SemanticTokenizer,
  options: TokenizerCheckpointOptions = {},
): Uint8Array {
  return encodeSafetensors(tensorsOf(tokenizer), { config: configOf(tokenizer, options) });
}

/** Parses safetensors bytes written by `encodeTokenizer`; `source` names the file in errors. */
export function decodeTokenizer(bytes: Uint8Array, source: string): SemanticTokenizer {
  return tokenizerFrom(decodeSafetensors(bytes, source), source).tokenizer;
}

/** Writes the codebooks, the item -> semantic ID table and the config atomically. */
export async function saveTokenizer(
  path: string,
  tokenizer: SemanticTokenizer,
  options: TokenizerCheckpointOptions = {},
): Promise<void> {
  await saveCheckpoint(path, tensorsOf(tokenizer), { config: configOf(tokenizer, options) });
}

export async function loadTokenizer(path: string): Promise<SemanticTokenizer> {
  return (await loadTokenizerCheckpoint(path)).tokenizer;
}

/** The tokenizer and the item ids saved with it. */
export async function loadTokenizerCheckpoint(path: string): Promise<TokenizerCheckpoint> {
  return tokenizerFrom(await loadCheckpoint(path), path);
}

function tokenizerFrom(checkpoint: Checkpoint, source: string): TokenizerCheckpoint {
  const fail = (problem: string, cause?: unknown): never => {
    throw new InvalidInputError(
      `Cannot load tokenizer ${source}: ${problem}`,
      cause === undefined ? undefined : { cause },
    );
  };
  const version = (checkpoint.config as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > FORMAT_VERSION)
    fail(
      `format version ${version} is newer than this genfeed reads (1..${FORMAT_VERSION}); upgrade genfeed`,
    );
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
  if (config.itemIds !== undefined && config.itemIds.length !== items)
    fail(`${config.itemIds.length} item ids for ${items} items`);
  const table = (codebooks as Tensor).data;
  try {
    const tokenizer = new SemanticTokenizer({
      codebooks: Array.from({ length: levels }, (_, level) =>
        table.subarray(level * codebookSize * dim, (level + 1) * codebookSize * dim),
      ),
      dim,
      semanticIds: (semanticIds as IntTensor).data,
      disambiguationCapacity: config.disambiguationCapacity,
      firstToken: config.firstToken,
      ...(config.training === undefined ? {} : { training: config.training }),
    });
    return { tokenizer, itemIds: config.itemIds };
  } catch (error) {
    return fail((error as Error).message, error);
  }
}
