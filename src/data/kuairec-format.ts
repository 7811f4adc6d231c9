import { InvalidInputError } from '../core/index.js';
import type { DataSource } from './data-source.js';
import type { FormatLoader, KuaiRecMatrix, LoadDatasetOptions } from './dataset.js';
import { collectById, readOptionsFor, readTable } from './load-helpers.js';
import { readKuaiUserFeatures } from './read-kuai-user-features.js';
import { readKuaiRecCaptions } from './read-kuairec-captions.js';
import { readKuaiRecItemCategories } from './read-kuairec-item-categories.js';
import { readKuaiRecMatrix } from './read-kuairec-matrix.js';
import { readLabeledPairs } from './read-labeled-pairs.js';
import type { Item, User } from './types.js';

const SPLITS = ['small_matrix_train.txt', 'small_matrix_valid.txt', 'small_matrix_test.txt'];
const MATRICES: Record<Exclude<KuaiRecMatrix, 'splits'>, string> = {
  small: 'small_matrix.csv',
  big: 'big_matrix.csv',
};
const KUAIREC_FILE = /^(small_matrix.*\.(txt|csv)|big_matrix\.csv|kuairec_caption_category\.csv)$/;

/**
 * The KuaiRec convention for "the user likes it" (Gao et al., CIKM 2022; the
 * dataset README's example `like = 1 if watch_ratio > 2.0`): watched twice
 * over. Here it is `>=`, as for every threshold; exact ratios of 2 are rare.
 */
const WATCH_RATIO_THRESHOLD = 2;

/**
 * A KuaiRec folder. Interactions come from the binarised splits
 * small_matrix_{train,valid,test}.txt (with `part`, label 1/0) or from an
 * official matrix (label = watch ratio). The splits re-index users and videos,
 * so item and user metadata is attached only to the official matrices.
 */
export const kuairecFormat: FormatLoader = {
  format: 'kuairec',
  lookingFor:
    'small_matrix_{train,valid,test}.txt, small_matrix.csv, big_matrix.csv or kuairec_caption_category.csv',

  async detect(source) {
    const names = source.file === undefined ? source.files : [source.file];
    return names.some((name) => KUAIREC_FILE.test(name));
  },

  async load(source, options) {
    const matrix = options.kuairecMatrix ?? chooseMatrix(source);
    if (matrix === 'splits') {
      requireFiles(source, SPLITS);
      const { interactions, part } = await readTable(SPLITS, (file) =>
        readLabeledPairs(source.pathOf(file), readOptionsFor(options)),
      );
      return {
        name: source.name,
        format: 'kuairec',
        interactions,
        part,
        positiveThreshold: 1,
        items: new Map(),
        users: new Map(),
      };
    }
    const file = MATRICES[matrix];
    requireFiles(source, [file]);
    const { interactions } = await readTable([file], (name) =>
      readKuaiRecMatrix(source.pathOf(name), readOptionsFor(options)),
    );
    return {
      name: source.name,
      format: 'kuairec',
      interactions,
      positiveThreshold: WATCH_RATIO_THRESHOLD,
      items: await readItems(source, options),
      users: await readUsers(source, options),
    };
  },
};

function chooseMatrix(source: DataSource): KuaiRecMatrix {
  if (source.file === 'small_matrix.csv') return 'small';
  if (source.file === 'big_matrix.csv') return 'big';
  if (SPLITS.some((name) => source.has(name))) return 'splits';
  if (source.has(MATRICES.small)) return 'small';
  if (source.has(MATRICES.big)) return 'big';
  throw new InvalidInputError(
    `Cannot load ${source.path} as KuaiRec: no interactions (small_matrix_{train,valid,test}.txt, small_matrix.csv or big_matrix.csv) in ${source.directory}`,
  );
}

function requireFiles(source: DataSource, names: readonly string[]): void {
  const missing = names.filter((name) => !source.has(name));
  if (missing.length > 0) {
    throw new InvalidInputError(
      `Cannot load ${source.path} as KuaiRec: missing ${missing.join(', ')} in ${source.directory}`,
    );
  }
}

/**
 * Captions and category paths, plus item_categories.csv's ids. Those ids are
 * first-level categories but a video can have several, so beside a caption's
 * category path (categoryIds, aligned with the names) they go to `tags`.
 */
async function readItems(source: DataSource, options: LoadDatasetOptions): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  if (source.has('kuairec_caption_category.csv')) {
    await collectById(
      items,
      readKuaiRecCaptions(source.pathOf('kuairec_caption_category.csv'), readOptionsFor(options)),
    );
  }
  if (source.has('item_categories.csv')) {
    await collectById(
      items,
      readKuaiRecItemCategories(source.pathOf('item_categories.csv'), readOptionsFor(options)),
      (caption, categories) =>
        categories.categoryIds === undefined ? caption : { ...caption, tags: categories.categoryIds },
    );
  }
  return items;
}

async function readUsers(source: DataSource, options: LoadDatasetOptions): Promise<Map<string, User>> {
  const users = new Map<string, User>();
  if (source.has('user_features.csv')) {
    await collectById(
      users,
      readKuaiUserFeatures(source.pathOf('user_features.csv'), readOptionsFor(options)),
    );
  }
  return users;
}
