import { InvalidInputError } from '../core/index.js';
import type { FormatLoader } from './dataset.js';
import { foldTagsIntoItems } from './fold-tags.js';
import { InteractionTable } from './interaction-table.js';
import { collectById, readOptionsFor } from './load-helpers.js';
import { readMovieLensMovies } from './read-movielens-movies.js';
import { readMovieLensRatings } from './read-movielens-ratings.js';
import { readMovieLensTags } from './read-movielens-tags.js';
import type { Item } from './types.js';

/**
 * A MovieLens folder (ml-latest, ml-latest-small, ml-25m...): ratings.csv as
 * interactions, label = the rating. Every rating counts as an interaction
 * (no positive threshold), as sequential recommenders use MovieLens; movies.csv
 * and tags.csv become items.
 */
export const movielensFormat: FormatLoader = {
  format: 'movielens',
  lookingFor: 'ratings.csv',

  async detect(source) {
    return source.file === undefined ? source.has('ratings.csv') : source.file === 'ratings.csv';
  },

  async load(source, options) {
    if (!source.has('ratings.csv')) {
      throw new InvalidInputError(
        `Cannot load ${source.path} as MovieLens: no ratings.csv in ${source.directory}`,
      );
    }
    const interactions = await InteractionTable.from(
      readMovieLensRatings(source.pathOf('ratings.csv'), readOptionsFor(options)),
    );
    const items = new Map<string, Item>();
    if (source.has('movies.csv')) {
      await collectById(items, readMovieLensMovies(source.pathOf('movies.csv'), readOptionsFor(options)));
    }
    if (source.has('tags.csv')) {
      await foldTagsIntoItems(items, readMovieLensTags(source.pathOf('tags.csv'), readOptionsFor(options)));
    }
    return { name: source.name, format: 'movielens', interactions, items, users: new Map() };
  },
};
