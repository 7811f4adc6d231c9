import { InvalidInputError } from '../core/index.js';
import { DataSource } from './data-source.js';
import type { Dataset, FormatLoader, LoadDatasetOptions } from './dataset.js';
import { kuairandFormat } from './kuairand-format.js';
import { kuairecFormat } from './kuairec-format.js';
import { movielensFormat } from './movielens-format.js';
import { sequencesFormat } from './sequences-format.js';

export type { DataFormat, Dataset, KuaiRecMatrix, LoadDatasetOptions } from './dataset.js';

/** Tried in this order: the generic `.txt` sequences last, since KuaiRec's split files are .txt too. */
export const dataFormats: readonly FormatLoader[] = [
  movielensFormat,
  kuairecFormat,
  kuairandFormat,
  sequencesFormat,
];

/**
 * Loads a dataset from a file or a folder: interactions as a table, plus the
 * item and user metadata the source has. The format is detected from the
 * file names unless given.
 */
export async function loadDataset(path: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const source = await DataSource.open(path);
  const loader = options.format === undefined ? await detectFormat(source) : formatNamed(options.format);
  return loader.load(source, options);
}

async function detectFormat(source: DataSource): Promise<FormatLoader> {
  for (const loader of dataFormats) {
    if (await loader.detect(source)) return loader;
  }
  const lookedFor = dataFormats.map((loader) => `${loader.format}: ${loader.lookingFor}`).join('; ');
  throw new InvalidInputError(`Cannot detect the data format of ${source.path}: looked for ${lookedFor}`);
}

function formatNamed(format: string): FormatLoader {
  const loader = dataFormats.find((candidate) => candidate.format === format);
  if (loader === undefined) {
    const known = dataFormats.map((candidate) => candidate.format).join(', ');
    throw new InvalidInputError(`Unknown data format "${format}" (known: ${known})`);
  }
  return loader;
}
