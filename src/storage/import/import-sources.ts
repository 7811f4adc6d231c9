import { InvalidInputError } from '../../core/index.js';
import {
  type DataSource,
  foldTagsIntoItems,
  type Item,
  type ReadOptions,
  readAmazonItemAttributes,
  readKuaiRandLog,
  readKuaiRandVideos,
  readKuaiRecCaptions,
  readKuaiRecItemCategories,
  readKuaiRecMatrix,
  readKuaiUserFeatures,
  readMovieLensMovies,
  readMovieLensRatings,
  readMovieLensTags,
  readSequences,
} from '../../data/index.js';
import { eventOf, itemOf, userOf } from './convert-records.js';
import type { ImportRecord } from './jsonl-format.js';
import { type ReadJsonlOptions, readJsonl } from './read-jsonl.js';

/** One step of an import: the files it reads and the records they make. */
export interface ImportPart {
  /** What the part writes, for the progress bar: `items`, `users`, `events` or `records`. */
  label: string;
  files: readonly string[];
  /** `optionsFor(file)` gives the reader options of each file read (with its report and the time window). */
  read(optionsFor: (file: string) => ReadJsonlOptions): AsyncIterable<ImportRecord>;
  /** Its records passed the JSONL schemas already (the others are checked against the same bounds by `importData`). */
  checked?: boolean;
}

export type ImportFormat = 'jsonl' | 'sequences' | 'kuairec' | 'kuairand' | 'movielens';

/** What each format imports from a path; the loaders' detection (data module) picks the format. */
export const importParts: Readonly<Record<ImportFormat, (source: DataSource) => ImportPart[]>> = {
  jsonl(source) {
    const files = source.file === undefined ? source.matching(/\.(jsonl|ndjson)$/) : [source.file];
    if (files.length === 0) throw new InvalidInputError(`No .jsonl file in ${source.directory}`);
    return files.map((name) => {
      const file = source.pathOf(name);
      return {
        label: 'records',
        files: [file],
        read: (optionsFor) => readJsonl(file, optionsFor(file)),
        checked: true,
      };
    });
  },

  kuairand(source) {
    const only = source.file;
    const wanted = (pattern: RegExp) =>
      only === undefined ? source.matching(pattern) : pattern.test(only) ? [only] : [];
    const parts = [
      ...wanted(/^video_features_basic.*\.csv$/).map((name) =>
        part('items', source.pathOf(name), (file, options) =>
          mapped(readKuaiRandVideos(file, options), itemRecord),
        ),
      ),
      ...wanted(/^user_features.*\.csv$/).map((name) =>
        part('users', source.pathOf(name), (file, options) =>
          mapped(readKuaiUserFeatures(file, options), userRecord),
        ),
      ),
      ...wanted(/^log_.*\.csv$/).map((name) =>
        part('events', source.pathOf(name), (file, options) =>
          mapped(readKuaiRandLog(file, options), eventRecord),
        ),
      ),
    ];
    if (parts.length === 0) {
      throw new InvalidInputError(
        `Cannot import ${source.path} as KuaiRand: expected log_*.csv, video_features_basic*.csv or user_features*.csv`,
      );
    }
    return parts;
  },

  kuairec(source) {
    const matrices = ['small_matrix.csv', 'big_matrix.csv'];
    if (source.file !== undefined) {
      if (!matrices.includes(source.file)) {
        throw new InvalidInputError(
          `Cannot import ${source.path} alone as KuaiRec: give the folder, small_matrix.csv or big_matrix.csv`,
        );
      }
      return [matrixPart(source.pathOf(source.file))];
    }
    const matrix = matrices.find((name) => source.has(name));
    if (matrix === undefined) {
      throw new InvalidInputError(
        `Cannot import ${source.path} as KuaiRec: no small_matrix.csv or big_matrix.csv in ${source.directory} (the binarised small_matrix_*.txt splits re-index users and videos, so they are not imported)`,
      );
    }
    const parts: ImportPart[] = [];
    const captions = source.has('kuairec_caption_category.csv')
      ? [source.pathOf('kuairec_caption_category.csv')]
      : [];
    const categories = source.has('item_categories.csv') ? [source.pathOf('item_categories.csv')] : [];
    if (captions.length + categories.length > 0) {
      parts.push({
        label: 'items',
        files: [...captions, ...categories],
        // Both files describe the same videos: merged in memory (a catalogue, not a log) before writing.
        async *read(optionsFor) {
          const items = new Map<string, Item>();
          for (const file of captions) {
            for await (const item of readKuaiRecCaptions(file, optionsFor(file))) items.set(item.id, item);
          }
          for (const file of categories) {
            for await (const { id, categoryIds } of readKuaiRecItemCategories(file, optionsFor(file))) {
              if (categoryIds !== undefined)
                items.set(id, { ...(items.get(id) ?? { id }), tags: categoryIds });
            }
          }
          for (const item of items.values()) yield itemRecord(item);
        },
      });
    }
    if (source.has('user_features.csv')) {
      parts.push(
        part('users', source.pathOf('user_features.csv'), (file, options) =>
          mapped(readKuaiUserFeatures(file, options), userRecord),
        ),
      );
    }
    parts.push(matrixPart(source.pathOf(matrix)));
    return parts;
  },

  movielens(source) {
    if (!source.has('ratings.csv')) {
      throw new InvalidInputError(
        `Cannot import ${source.path} as MovieLens: no ratings.csv in ${source.directory}`,
      );
    }
    const parts: ImportPart[] = [];
    const movies = source.has('movies.csv') ? [source.pathOf('movies.csv')] : [];
    const tags = source.has('tags.csv') ? [source.pathOf('tags.csv')] : [];
    if (movies.length + tags.length > 0) {
      parts.push({
        label: 'items',
        files: [...movies, ...tags],
        async *read(optionsFor) {
          const items = new Map<string, Item>();
          for (const file of movies) {
            for await (const movie of readMovieLensMovies(file, optionsFor(file))) items.set(movie.id, movie);
          }
          for (const file of tags) await foldTagsIntoItems(items, readMovieLensTags(file, optionsFor(file)));
          for (const item of items.values()) yield itemRecord(item);
        },
      });
    }
    parts.push(
      part('events', source.pathOf('ratings.csv'), (file, options) =>
        mapped(readMovieLensRatings(file, options), eventRecord),
      ),
    );
    return parts;
  },

  sequences(source) {
    const candidates = source.file === undefined ? source.matching(/\.txt$/) : [source.file];
    const name = candidates[0];
    if (name === undefined || candidates.length > 1) {
      throw new InvalidInputError(
        `Cannot import ${source.path} as sequences: give the .txt file (found ${candidates.length} in ${source.directory})`,
      );
    }
    const parts: ImportPart[] = [];
    const attributes = source.has(`${name.replace(/\.txt$/, '')}_item2attributes.json`)
      ? `${name.replace(/\.txt$/, '')}_item2attributes.json`
      : undefined;
    if (attributes !== undefined) {
      parts.push(
        part('items', source.pathOf(attributes), (file, options) =>
          mapped(readAmazonItemAttributes(file, options), itemRecord),
        ),
      );
    }
    parts.push(
      part('events', source.pathOf(name), (file, options) =>
        mapped(readSequences(file, options), eventRecord),
      ),
    );
    return parts;
  },
};

function matrixPart(file: string): ImportPart {
  return part('events', file, (path, options) => mapped(readKuaiRecMatrix(path, options), eventRecord));
}

function part(
  label: string,
  file: string,
  read: (file: string, options: ReadOptions) => AsyncIterable<ImportRecord>,
): ImportPart {
  return { label, files: [file], read: (optionsFor) => read(file, optionsFor(file)) };
}

async function* mapped<T>(
  records: AsyncIterable<T>,
  convert: (record: T) => ImportRecord,
): AsyncGenerator<ImportRecord> {
  for await (const record of records) yield convert(record);
}

const itemRecord = (item: Item): ImportRecord => ({ type: 'item', item: itemOf(item) });
const userRecord = (user: Parameters<typeof userOf>[0]): ImportRecord => ({
  type: 'user',
  user: userOf(user),
});
const eventRecord = (interaction: Parameters<typeof eventOf>[0]): ImportRecord => ({
  type: 'event',
  event: eventOf(interaction),
});
