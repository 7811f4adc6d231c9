import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../core/index.js';
import { type Params, peakRssMegabytes, type Recommender } from '../eval/index.js';
import type { TrainingResult } from '../training/index.js';
import { type ModelFormat, modelFormats } from './model-formats.js';
import {
  ITEMS_FILE,
  MANIFEST_FILE,
  MODEL_DIRECTORY_FORMAT,
  MODEL_DIRECTORY_VERSION,
  type ModelManifest,
  modelManifestSchema,
  type TrainingCurve,
} from './model-manifest.js';
import { SavedModel } from './saved-model.js';

/** What a model directory records besides the model's own files. */
export interface ModelDirectoryInfo {
  model: string;
  params: Params;
  dataset: ModelManifest['dataset'];
  fitOn: string;
  itemIds: readonly string[];
  seed: number;
  trainSeconds: number;
  genfeedVersion: string;
  /** Default: now. */
  created?: Date;
  /** Default: the epochs of the recommender's own last `fit` (SASRec, generative), if any. */
  trainingCurve?: TrainingCurve;
}

/** The per-epoch records of a recommender fitted by the trainer, as the manifest keeps them. */
export function trainingCurveOf(recommender: Recommender): TrainingCurve | undefined {
  const training = (recommender as { training?: TrainingResult }).training;
  if (training === undefined || training.history.length === 0) return undefined;
  return training.history.map(({ epoch, loss, metric, seconds }) => ({
    epoch,
    loss,
    ...(metric !== undefined && { validationRecallAt10: metric }),
    seconds,
  }));
}

function formatOf(model: string, dir: string): ModelFormat {
  const format = modelFormats.find((candidate) => candidate.name === model);
  if (format === undefined)
    throw new InvalidInputError(
      `Cannot save model directory ${dir}: model "${model}" has no saved form (known: ${knownModels()})`,
    );
  return format;
}

const knownModels = (): string => modelFormats.map((format) => format.name).join(', ');

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes a fitted model as a directory: the model's files, `items.json` (the
 * dataset's item ids by model index) and `manifest.json` with the run's facts
 * and the sha256 of every other file. The manifest is written last, so a
 * directory with a manifest is complete.
 */
export async function saveModelDirectory(
  dir: string,
  recommender: Recommender,
  info: ModelDirectoryInfo,
): Promise<ModelManifest> {
  const format = formatOf(info.model, dir);
  await mkdir(dir, { recursive: true });
  await rm(join(dir, MANIFEST_FILE), { force: true });
  const written = await format.save(recommender, dir, info.itemIds);
  await writeFile(join(dir, ITEMS_FILE), `${JSON.stringify(info.itemIds)}\n`);
  const files: Record<string, string> = {};
  for (const file of [...written, ITEMS_FILE]) files[file] = sha256(await readFile(join(dir, file)));
  const curve = info.trainingCurve ?? trainingCurveOf(recommender);
  const manifest: ModelManifest = {
    format: MODEL_DIRECTORY_FORMAT,
    formatVersion: MODEL_DIRECTORY_VERSION,
    model: info.model,
    params: info.params,
    dataset: info.dataset,
    fitOn: info.fitOn,
    items: { file: ITEMS_FILE, count: info.itemIds.length },
    seed: info.seed,
    trainSeconds: info.trainSeconds,
    peakRssMB: peakRssMegabytes(),
    created: (info.created ?? new Date()).toISOString(),
    genfeedVersion: info.genfeedVersion,
    ...(curve !== undefined && { trainingCurve: curve }),
    files,
  };
  const temp = join(dir, `${MANIFEST_FILE}.tmp`);
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temp, join(dir, MANIFEST_FILE));
  return manifest;
}

/**
 * Reads a directory written by `saveModelDirectory`: checks the manifest
 * (format, version, fields), the sha256 of every file it lists and the item
 * list, then loads the model. Any problem is an `InvalidInputError` naming
 * the directory and the file.
 */
export async function loadModelDirectory(dir: string): Promise<SavedModel> {
  const fail = (file: string, problem: string, cause?: unknown): never => {
    throw new InvalidInputError(
      `Cannot load model directory ${dir}: ${file} ${problem}`,
      cause === undefined ? undefined : { cause },
    );
  };
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, file));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return fail(file, code === 'ENOENT' ? 'is missing' : `cannot be read (${code})`, error);
    }
  };
  let json: unknown;
  try {
    json = JSON.parse((await read(MANIFEST_FILE)).toString('utf8'));
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    fail(MANIFEST_FILE, `is not valid JSON (${(error as Error).message})`, error);
  }
  const header = json as { format?: unknown; formatVersion?: unknown } | null;
  if (header?.format !== MODEL_DIRECTORY_FORMAT)
    fail(MANIFEST_FILE, `is not a ${MODEL_DIRECTORY_FORMAT} manifest (format: ${String(header?.format)})`);
  if (typeof header?.formatVersion === 'number' && header.formatVersion > MODEL_DIRECTORY_VERSION)
    fail(
      MANIFEST_FILE,
      `has format version ${header.formatVersion}; this genfeed reads up to ${MODEL_DIRECTORY_VERSION} (upgrade genfeed)`,
    );
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(MANIFEST_FILE, `field "${issue.path.join('.') || '(top level)'}": ${issue.message}`);
  }
  const manifest = parsed.data!;
  const format = modelFormats.find((candidate) => candidate.name === manifest.model);
  if (format === undefined)
    return fail(
      MANIFEST_FILE,
      `names model "${manifest.model}", which has no saved form (known: ${knownModels()})`,
    );
  if (!(manifest.items.file in manifest.files))
    fail(MANIFEST_FILE, `lists no checksum for ${manifest.items.file}`);
  for (const [file, expected] of Object.entries(manifest.files)) {
    const actual = sha256(await read(file));
    if (actual !== expected)
      fail(file, `has sha256 ${actual}, the manifest says ${expected} (corrupted or modified)`);
  }
  let itemIds: unknown;
  try {
    itemIds = JSON.parse((await read(manifest.items.file)).toString('utf8'));
  } catch (error) {
    fail(manifest.items.file, `is not valid JSON (${(error as Error).message})`, error);
  }
  if (!Array.isArray(itemIds) || itemIds.some((id) => typeof id !== 'string'))
    fail(manifest.items.file, 'is not a JSON array of item id strings');
  const ids = itemIds as string[];
  if (ids.length !== manifest.items.count)
    fail(manifest.items.file, `has ${ids.length} item ids, the manifest says ${manifest.items.count}`);
  let recommender: Recommender;
  try {
    recommender = await format.load(dir);
  } catch (error) {
    return fail('model files', `cannot be loaded: ${(error as Error).message}`, error);
  }
  return new SavedModel(manifest, recommender, ids);
}
