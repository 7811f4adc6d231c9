import { id, integer, list, text } from './field-parsers.js';
import { nonEmpty, omitUndefined } from './omit-undefined.js';
import { readRows } from './read-rows.js';
import type { Row } from './row.js';
import type { Item, ReadOptions } from './types.js';

const LEVELS = ['first', 'second', 'third'] as const;

const COLUMNS = [
  'video_id',
  'manual_cover_text',
  'caption',
  'topic_tag',
  'first_level_category_id',
  'first_level_category_name',
  'second_level_category_id',
  'second_level_category_name',
  'third_level_category_id',
  'third_level_category_name',
] as const;

/** KuaiRec writes an absent value as the text UNKNOWN and an absent category id as -124. */
const UNKNOWN = 'UNKNOWN';
const ABSENT_ID = -124;

const hashtagList = list(text);

/**
 * Reads KuaiRec `kuairec_caption_category.csv`: caption, cover text, user
 * hashtags (`topic_tag`, written `[a,b]`) and the three-level category path,
 * absent levels dropped so names and ids stay aligned.
 */
export function readKuaiRecCaptions(path: string, options: ReadOptions = {}): AsyncGenerator<Item> {
  return readRows(
    path,
    {
      header: COLUMNS,
      parse: (row) => {
        const coverText = row.get('manual_cover_text');
        const caption = row.get('caption');
        const { names, ids } = categoryPath(row);
        return omitUndefined<Item>({
          id: row.get('video_id', id),
          text: caption === '' ? undefined : caption,
          coverText: coverText === UNKNOWN || coverText === '' ? undefined : coverText,
          hashtags: nonEmpty(row.get('topic_tag', hashtagList).filter((tag) => tag !== '')),
          categories: nonEmpty(names),
          categoryIds: nonEmpty(ids),
        });
      },
    },
    options,
  );
}

function categoryPath(row: Row): { names: string[]; ids: string[] } {
  const names: string[] = [];
  const ids: string[] = [];
  for (const level of LEVELS) {
    const categoryId = row.get(`${level}_level_category_id`, integer);
    const name = row.get(`${level}_level_category_name`).trim();
    if (categoryId === ABSENT_ID || name === UNKNOWN || name === '') continue;
    names.push(name);
    ids.push(String(categoryId));
  }
  return { names, ids };
}
