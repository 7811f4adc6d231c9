import { id, number } from './field-parsers.js';
import { readRows } from './read-rows.js';
import type { Interaction, ReadOptions } from './types.js';

/**
 * Reads space-separated `user item label` lines, as in the binarised KuaiRec
 * splits (`small_matrix_train.txt`: `543 1953 1.00`).
 */
export function readLabeledPairs(path: string, options: ReadOptions = {}): AsyncGenerator<Interaction> {
  return readRows(
    path,
    {
      delimiter: ' ',
      fields: ['user', 'item', 'label'],
      parse: (row) => ({
        user: row.get('user', id),
        item: row.get('item', id),
        label: row.get('label', number),
      }),
    },
    options,
  );
}
