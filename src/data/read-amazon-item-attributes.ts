import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { NotFoundError } from '../core/index.js';
import { DataRowError } from './data-row-error.js';
import { excessNestingOffset, MAX_JSON_DEPTH } from './json-nesting.js';
import { recordSkipped } from './read-report.js';
import { showValue } from './row-problem.js';
import type { Item, ReadOptions } from './types.js';
import { locateInvalidUtf8, utf8Error } from './utf8-validator.js';

const attributeIds = z.array(z.union([z.number().int(), z.string().trim().min(1)]));

/**
 * Reads `<name>_item2attributes.json` (S3-Rec / TIGER Amazon preprocessing:
 * `{"4": [1, 2, 3], ...}`, item id -> brand and category attribute ids) as
 * items whose `tags` are the attribute ids. The file is a few hundred KB and
 * one JSON value, so it is read whole.
 */
export async function* readAmazonItemAttributes(
  path: string,
  options: ReadOptions = {},
): AsyncGenerator<Item> {
  const { report, skipBadRows = false } = options;
  if (report !== undefined) report.file = path;
  const entries = Object.entries(await readJsonObject(path));
  for (const [itemId, value] of entries) {
    const parsed = attributeIds.safeParse(value);
    if (parsed.success && itemId.trim() !== '') {
      if (report !== undefined) report.rows++;
      yield { id: itemId.trim(), tags: parsed.data.map(String) };
      continue;
    }
    const shown = JSON.stringify(value) ?? String(value);
    const error = new DataRowError({
      file: path,
      field: itemId,
      fieldKind: 'item',
      value: shown,
      problem:
        itemId.trim() === ''
          ? 'expected a non-empty item id'
          : `expected a list of attribute ids, got ${showValue(shown)}`,
    });
    if (!skipBadRows) throw error;
    recordSkipped(report, error.message);
  }
}

async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`Cannot read ${path}: no such file`, { cause: error });
    }
    throw error;
  }
  const invalid = locateInvalidUtf8(bytes);
  if (invalid !== undefined) throw utf8Error(path, invalid.line, invalid.byteOffset);
  const content = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (content.trim() === '') throw new DataRowError({ file: path, problem: 'the file is empty' });
  // Before parsing: a deep value would overflow the stack of the error message that shows it.
  const tooDeep = excessNestingOffset(content);
  if (tooDeep !== -1) {
    const lineStart = content.lastIndexOf('\n', tooDeep) + 1;
    throw new DataRowError({
      file: path,
      line: 1 + (content.slice(0, lineStart).match(/\n/g)?.length ?? 0),
      problem: `nested deeper than ${MAX_JSON_DEPTH} levels (arrays and objects, at column ${tooDeep - lineStart + 1})`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw new DataRowError(
      { file: path, problem: `invalid JSON (${(error as Error).message})` },
      { cause: error },
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DataRowError({ file: path, problem: 'expected a JSON object of item id -> attribute ids' });
  }
  return json as Record<string, unknown>;
}
