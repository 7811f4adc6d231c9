import { InvalidInputError } from '../core/index.js';
import type { DataSource } from './data-source.js';
import type { FormatLoader } from './dataset.js';
import { InteractionTable } from './interaction-table.js';
import { collectById, readOptionsFor } from './load-helpers.js';
import { readAmazonItemAttributes } from './read-amazon-item-attributes.js';
import { readSequences } from './read-sequences.js';
import { sniffLines } from './sniff-lines.js';
import type { Item } from './types.js';

// Words separated by spaces, no commas: `1 1 2 3`.
const SEQUENCE_LINE = /^\S+( +\S+)+ *$/;

/**
 * `user item1 item2 ...` lines (Amazon Beauty as preprocessed by S3-Rec/TIGER):
 * the given .txt file or the single .txt in the folder, with item attributes
 * from `<name>_item2attributes.json` beside it when present.
 */
export const sequencesFormat: FormatLoader = {
  format: 'sequences',
  lookingFor: 'a .txt file (or a folder with exactly one) of space-separated "user item item ..." lines',

  async detect(source) {
    return (await sequencesFile(source)) !== undefined;
  },

  async load(source, options) {
    const file = source.file ?? (await sequencesFile(source));
    if (file === undefined) {
      throw new InvalidInputError(
        `Cannot load ${source.path} as sequences: expected a folder with exactly one .txt file of "user item item ..." lines`,
      );
    }
    const interactions = await InteractionTable.from(
      readSequences(source.pathOf(file), readOptionsFor(options)),
    );
    const items = new Map<string, Item>();
    const attributes = attributesFile(source, file);
    if (attributes !== undefined) {
      await collectById(items, readAmazonItemAttributes(source.pathOf(attributes), readOptionsFor(options)));
    }
    return { name: source.name, format: 'sequences', interactions, items, users: new Map() };
  },
};

/** The given .txt file, or the one .txt file in the folder that holds sequences (licences and notes do not). */
async function sequencesFile(source: DataSource): Promise<string | undefined> {
  const candidates = source.file === undefined ? source.matching(/\.txt$/) : [source.file];
  const found: string[] = [];
  for (const name of candidates) {
    if (name.endsWith('.txt') && (await looksLikeSequences(source.pathOf(name)))) found.push(name);
  }
  return found.length === 1 ? found[0] : undefined;
}

/** Judged on the first lines: a licence or a note fails on its blank lines or punctuation. */
async function looksLikeSequences(path: string): Promise<boolean> {
  const lines = await sniffLines(path, 10);
  return lines.length > 0 && lines.every((line) => SEQUENCE_LINE.test(line) && !line.includes(','));
}

function attributesFile(source: DataSource, sequences: string): string | undefined {
  const own = `${sequences.replace(/\.txt$/, '')}_item2attributes.json`;
  if (source.has(own)) return own;
  const candidates = source.matching(/_item2attributes\.json$/);
  return candidates.length === 1 ? candidates[0] : undefined;
}
