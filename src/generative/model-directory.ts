import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../core/index.js';
import { type Params, peakRssMegabytes, type Recommender } from '../eval/index.js';
import { type DirectoryFormat, ManifestDirectory } from '../tensor/index.js';
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

const modelDirectoryFormat: DirectoryFormat<ModelManifest> = {
  name: MODEL_DIRECTORY_FORMAT,
  version: MODEL_DIRECTORY_VERSION,
  schema: modelManifestSchema,
};

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
  const directory = new ManifestDirectory(dir, 'model directory');
  await directory.startWriting();
  const written = await format.save(recommender, dir, info.itemIds);
  await writeFile(join(dir, ITEMS_FILE), `${JSON.stringify(info.itemIds)}\n`);
  const curve = info.trainingCurve ?? trainingCurveOf(recommender);
  return directory.finishWriting<ModelManifest>(
    {
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
    },
    [...written, ITEMS_FILE],
  );
}

/**
 * Reads a directory written by `saveModelDirectory`: checks the manifest
 * (format, version, fields), the sha256 of every file it lists and the item
 * list, then loads the model. Any problem is an `InvalidInputError` naming
 * the directory and the file.
 */
export async function loadModelDirectory(dir: string): Promise<SavedModel> {
  const directory = new ManifestDirectory(dir, 'model directory');
  const manifest = await directory.readManifest(modelDirectoryFormat);
  const format = modelFormats.find((candidate) => candidate.name === manifest.model);
  if (format === undefined)
    return directory.fail(
      MANIFEST_FILE,
      `names model "${manifest.model}", which has no saved form (known: ${knownModels()})`,
    );
  const contents = await directory.verify(manifest, [manifest.items.file]);
  let itemIds: unknown;
  try {
    itemIds = JSON.parse(contents.get(manifest.items.file)!.toString('utf8'));
  } catch (error) {
    directory.fail(manifest.items.file, `is not valid JSON (${(error as Error).message})`, error);
  }
  if (!Array.isArray(itemIds) || itemIds.some((id) => typeof id !== 'string'))
    directory.fail(manifest.items.file, 'is not a JSON array of item id strings');
  const ids = itemIds as string[];
  if (ids.length !== manifest.items.count)
    directory.fail(
      manifest.items.file,
      `has ${ids.length} item ids, the manifest says ${manifest.items.count}`,
    );
  let recommender: Recommender;
  try {
    recommender = await format.load(dir);
  } catch (error) {
    return directory.fail('model files', `cannot be loaded: ${(error as Error).message}`, error);
  }
  return new SavedModel(manifest, recommender, ids);
}
