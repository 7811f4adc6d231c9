import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * One sha256 for a whole model directory: over the sorted list of
 * `relative path \0 sha256 of the file \n` of every file below it, so a
 * changed, added, removed or renamed file changes it. Stored with the model
 * version and checked on every load.
 */
export async function directoryChecksum(dir: string): Promise<string> {
  const files = await listFiles(dir);
  const digest = createHash('sha256');
  for (const file of files) {
    const bytes = await readFile(join(dir, file));
    digest.update(`${file}\0${createHash('sha256').update(bytes).digest('hex')}\n`);
  }
  return digest.digest('hex');
}

/** Every file below `dir`, as `/`-separated relative paths in code-point order. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
