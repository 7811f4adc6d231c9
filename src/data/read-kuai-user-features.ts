import { id } from './field-parsers.js';
import { readRows } from './read-rows.js';
import type { ReadOptions, User } from './types.js';

// A number as pandas writes it; anything else (ranges like "(0,10]", "730+") stays text.
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads the KuaiRec / KuaiRand user feature file (`user_id,user_active_degree,
 * ...,onehot_feat17`): every other column becomes a feature, numbers parsed,
 * empty values left out. KuaiRand writes -124 for "unknown"; it is kept as is.
 */
export function readKuaiUserFeatures(path: string, options: ReadOptions = {}): AsyncGenerator<User> {
  return readRows(
    path,
    {
      header: ['user_id', 'user_active_degree'],
      parse: (row) => {
        const features: Record<string, string | number> = {};
        for (const column of row.columns()) {
          if (column === 'user_id') continue;
          const value = row.get(column).trim();
          if (value === '') continue;
          features[column] = NUMERIC.test(value) ? Number(value) : value;
        }
        return { id: row.get('user_id', id), features };
      },
    },
    options,
  );
}

/** KuaiRec `user_features.csv`. */
export const readKuaiRecUsers = readKuaiUserFeatures;
/** KuaiRand `user_features_*.csv`: the same schema as KuaiRec's. */
export const readKuaiRandUsers = readKuaiUserFeatures;
