import { id } from './field-parsers.js';
import { readRows } from './read-rows.js';
import { parseField } from './row.js';
import type { Interaction, ReadOptions } from './types.js';

/**
 * Reads `user item1 item2 ...` lines (one user per line, items in time order,
 * e.g. the Amazon Beauty file of S3-Rec/TIGER). The files carry no
 * timestamps, so `time` is the position in the line: it keeps the order when
 * interactions are sorted by time.
 */
export async function* readSequences(path: string, options: ReadOptions = {}): AsyncGenerator<Interaction> {
  const lines = readRows(
    path,
    {
      delimiter: ' ',
      minFields: { count: 2, meaning: 'user and one item' },
      parse: (row) => {
        const [userField, ...itemFields] = row.fields;
        const user = parseField('user', userField ?? '', id);
        return itemFields.map((item, position) => ({
          user,
          item: parseField('item', item, id),
          time: position,
        }));
      },
    },
    options,
  );
  for await (const interactions of lines) yield* interactions;
}
