import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Random } from '../core/index.js';
import { loadRewardModel, saveRewardModel } from '../reward/index.js';
import {
  type DirectoryFormat,
  loadCheckpoint,
  loadParameters,
  ManifestDirectory,
  type Module,
  saveCheckpoint,
} from '../tensor/index.js';
import { AnnIndex } from './ann-index.js';
import { Cascade, type CascadeParts } from './cascade.js';
import { cascadeConfigSchema } from './cascade-config.js';
import { Catalogue, type CatalogueItem } from './catalogue.js';
import { numPrerankFeatures } from './prerank-model.js';
import { type TargetAttentionConfig, TargetAttentionModel } from './target-attention-model.js';
import { type TwoTowerConfig, TwoTowerModel } from './two-tower-model.js';

export const CASCADE_DIRECTORY_FORMAT = 'genfeed.cascade';
/** Bumped when a reader of the previous version could misread a directory. */
export const CASCADE_DIRECTORY_VERSION = 1;
const ITEMS = 'items.json';
const ANN = 'ann.hnsw';
const REWARD = 'reward.safetensors';
const TWO_TOWER = 'two-tower.safetensors';
const RANK_MODEL = 'target-attention.safetensors';

/** The typed arrays of a cascade, one raw little-endian file each. */
const arrayFiles = {
  'neighbour-offsets.i32': Int32Array,
  'neighbour-items.i32': Int32Array,
  'neighbour-weights.f32': Float32Array,
  'item-vectors.f32': Float32Array,
  'popular-counts.f32': Float32Array,
} as const;
type ArrayFile = keyof typeof arrayFiles;

const manifestSchema = z
  .object({
    format: z.literal(CASCADE_DIRECTORY_FORMAT),
    formatVersion: z.number().int().min(1),
    config: cascadeConfigSchema,
    items: z.number().int().min(0),
    dim: z.number().int().min(1),
    hasReward: z.boolean(),
    /** Whether `two-tower.safetensors` / `target-attention.safetensors` are present (absent in older directories). */
    hasTwoTower: z.boolean().default(false),
    hasRankModel: z.boolean().default(false),
    /** The pre-rank model's weights (prerank-model.ts), float32 values. */
    prerankWeights: z.array(z.number()).length(numPrerankFeatures),
    info: z.object({
      users: z.number().int().min(0),
      interactions: z.number().int().min(0),
      skippedInteractions: z.number().int().min(0),
      prerankExamples: z.number().int().min(0),
      built: z.string(),
    }),
    /** File name -> sha256 (hex) of every file but this manifest. */
    files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  })
  .strict();
type CascadeManifest = z.infer<typeof manifestSchema>;

const cascadeFormat: DirectoryFormat<CascadeManifest> = {
  name: CASCADE_DIRECTORY_FORMAT,
  version: CASCADE_DIRECTORY_VERSION,
  schema: manifestSchema,
};

const bytesOf = (array: Int32Array | Float32Array): Uint8Array =>
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/**
 * Writes a cascade as a model directory: the catalogue, neighbourhoods, item
 * vectors, popularity counts, the HNSW index, the reward model when there is one,
 * and `manifest.json` (config, build facts, sha256 of every file). The manifest
 * is written last, so a directory with a manifest is complete.
 */
export async function saveCascade(cascade: Cascade, dir: string): Promise<void> {
  const { parts } = cascade;
  const directory = new ManifestDirectory(dir, 'cascade directory');
  await directory.startWriting();
  const arrays: Record<ArrayFile, Int32Array | Float32Array> = {
    'neighbour-offsets.i32': parts.neighbours.offsets,
    'neighbour-items.i32': parts.neighbours.items,
    'neighbour-weights.f32': parts.neighbours.weights,
    'item-vectors.f32': parts.embeddings.vectors,
    'popular-counts.f32': parts.popularCounts,
  };
  for (const [file, array] of Object.entries(arrays)) await writeFile(join(dir, file), bytesOf(array));
  await writeFile(join(dir, ITEMS), `${JSON.stringify(parts.catalogue.toItems())}\n`);
  parts.ann.write(join(dir, ANN));
  const written: string[] = [...Object.keys(arrays), ITEMS, ANN];
  if (parts.reward) {
    await saveRewardModel(parts.reward, join(dir, REWARD));
    written.push(REWARD);
  } else await rm(join(dir, REWARD), { force: true });
  const models: Array<[string, (Module & { config: object }) | undefined]> = [
    [TWO_TOWER, parts.twoTower?.model],
    [RANK_MODEL, parts.rankModel],
  ];
  for (const [file, model] of models) {
    if (model) {
      await saveCheckpoint(join(dir, file), model.namedParameters(), { config: model.config });
      written.push(file);
    } else await rm(join(dir, file), { force: true });
  }
  await directory.finishWriting<CascadeManifest>(
    {
      format: CASCADE_DIRECTORY_FORMAT,
      formatVersion: CASCADE_DIRECTORY_VERSION,
      config: parts.config,
      items: parts.catalogue.size,
      dim: parts.embeddings.dim,
      hasReward: parts.reward !== undefined,
      hasTwoTower: parts.twoTower !== undefined,
      hasRankModel: parts.rankModel !== undefined,
      prerankWeights: Array.from(parts.prerankWeights),
      info: parts.info,
    },
    written,
  );
}

/**
 * Reads a directory written by `saveCascade`. The manifest and the sha256 of
 * every file (`ManifestDirectory`) and the array sizes are checked before
 * anything is built; any problem is an `InvalidInputError` naming the
 * directory and the file.
 */
export async function loadCascade(dir: string, options: { modelVersion?: string } = {}): Promise<Cascade> {
  const directory = new ManifestDirectory(dir, 'cascade directory');
  const manifest = await directory.readManifest(cascadeFormat);
  const required = [
    ...Object.keys(arrayFiles),
    ITEMS,
    ANN,
    ...(manifest.hasReward ? [REWARD] : []),
    ...(manifest.hasTwoTower ? [TWO_TOWER] : []),
    ...(manifest.hasRankModel ? [RANK_MODEL] : []),
  ];
  const contents = await directory.verify(manifest, required);
  const array = <F extends ArrayFile>(file: F, length: number): InstanceType<(typeof arrayFiles)[F]> => {
    const bytes = contents.get(file)!;
    const Type = arrayFiles[file];
    if (bytes.byteLength !== length * Type.BYTES_PER_ELEMENT)
      directory.fail(file, `has ${bytes.byteLength} bytes, expected ${length * Type.BYTES_PER_ELEMENT}`);
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new Type(copy.buffer) as InstanceType<(typeof arrayFiles)[F]>;
  };
  let items: CatalogueItem[] = [];
  try {
    items = JSON.parse(contents.get(ITEMS)!.toString('utf8')) as CatalogueItem[];
  } catch (error) {
    directory.fail(ITEMS, `is not valid JSON (${(error as Error).message})`, error);
  }
  if (!Array.isArray(items) || items.length !== manifest.items)
    directory.fail(ITEMS, `does not hold the ${manifest.items} items the manifest says`);
  let catalogue: Catalogue | undefined;
  try {
    catalogue = new Catalogue(items);
  } catch (error) {
    directory.fail(ITEMS, (error as Error).message, error);
  }
  const numItems = manifest.items;
  const offsets = array('neighbour-offsets.i32', numItems + 1);
  const total = offsets[numItems]!;
  const parts: CascadeParts = {
    config: manifest.config,
    catalogue: catalogue!,
    neighbours: {
      offsets,
      items: array('neighbour-items.i32', total),
      weights: array('neighbour-weights.f32', total),
    },
    embeddings: {
      vectors: array('item-vectors.f32', numItems * manifest.dim),
      count: numItems,
      dim: manifest.dim,
    },
    ann: undefined as unknown as AnnIndex,
    popularCounts: array('popular-counts.f32', numItems),
    prerankWeights: Float32Array.from(manifest.prerankWeights),
    info: manifest.info,
  };
  try {
    parts.ann = AnnIndex.read(join(dir, ANN), manifest.dim, manifest.config.ann.ef);
  } catch (error) {
    directory.fail(
      ANN,
      `is not an HNSW index of dimension ${manifest.dim} (${(error as Error).message})`,
      error,
    );
  }
  if (manifest.hasReward) {
    try {
      parts.reward = await loadRewardModel(join(dir, REWARD));
    } catch (error) {
      directory.fail(REWARD, `cannot be loaded: ${(error as Error).message}`, error);
    }
  }
  const model = async <M extends Module>(file: string, build: (config: never) => M): Promise<M> => {
    try {
      const checkpoint = await loadCheckpoint(join(dir, file));
      const built = build(checkpoint.config as never);
      loadParameters(built, checkpoint, { source: `${file} of ${dir}` });
      return built;
    } catch (error) {
      return directory.fail(file, `cannot be loaded: ${(error as Error).message}`, error);
    }
  };
  if (manifest.hasTwoTower) {
    const twoTower = await model(
      TWO_TOWER,
      (config: TwoTowerConfig) => new TwoTowerModel(config, new Random(0)),
    );
    const side = { author: parts.catalogue.author, category: parts.catalogue.category };
    parts.twoTower = { model: twoTower, itemVectors: twoTower.itemVectors(side) };
  }
  if (manifest.hasRankModel) {
    parts.rankModel = await model(
      RANK_MODEL,
      (config: TargetAttentionConfig) => new TargetAttentionModel(config, new Random(0)),
    );
  }
  try {
    return new Cascade(parts, options);
  } catch (error) {
    return directory.fail('model files', `do not fit together: ${(error as Error).message}`, error);
  }
}
