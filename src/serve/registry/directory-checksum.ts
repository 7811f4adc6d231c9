import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** A file of a model directory: its `/`-separated path, sha256 (hex) and size. */
export interface FileDigest {
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * One sha256 for a whole model directory: over the sorted list of
 * `relative path \0 sha256 of the file \n` of every file below it, so a
 * changed, added, removed or renamed file changes it. Stored with the model
 * version and checked on every load.
 */
export async function directoryChecksum(dir: string): Promise<string> {
  return checksumOf(await fileDigests(dir));
}

/** The directory checksum of files known by their digests (the store's list of a version's files). */
export function checksumOf(files: readonly Pick<FileDigest, 'path' | 'sha256'>[]): string {
  const digest = createHash('sha256');
  for (const file of [...files].sort((a, b) => codePointOrder(a.path, b.path)))
    digest.update(`${file.path}\0${file.sha256}\n`);
  return digest.digest('hex');
}

/** Every file below `dir` with its digest, in path order; each file is streamed, so memory stays flat. */
export async function fileDigests(dir: string): Promise<FileDigest[]> {
  const digests: FileDigest[] = [];
  for (const path of await listFiles(dir)) {
    const digest = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(join(dir, path))) {
      digest.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    digests.push({ path, sha256: digest.digest('hex'), bytes });
  }
  return digests;
}

/** Every file below `dir`, as `/`-separated relative paths in code-point order. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort(codePointOrder);
}

function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
