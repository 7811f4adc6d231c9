import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { InvalidInputError, NotFoundError } from '../core/index.js';
import { ID_MAX_LENGTH } from './bounds.js';
import { CorruptModelFileError } from './corrupt-model-file-error.js';
import type { ModelFile, ModelFileInput } from './records.js';
import type { Database } from './schema.js';
import type { SqlContext } from './sql-context.js';
import type { Store } from './store.js';

/**
 * Bytes per row of `model_file_chunks`: a few MB, so writing or reading a
 * model of any size holds one chunk in memory at a time and no row comes
 * near a backend's limits (PostgreSQL bytea: 1 GB), while a 100 MB model is
 * still only 25 rows.
 */
export const MODEL_CHUNK_BYTES = 4 * 1024 * 1024;

/** The files the store keeps for model versions: read them back, chunk by chunk, checked. */
export class SqlModelFiles implements Pick<Store, 'listModelFiles' | 'readModelFile'> {
  readonly #context: SqlContext;

  constructor(context: SqlContext) {
    this.#context = context;
  }

  async listModelFiles(name: string, version: number): Promise<ModelFile[]> {
    const db = this.#context.db;
    const exists = await db
      .selectFrom('model_versions')
      .select('version')
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    if (exists === undefined) throw new NotFoundError(`Model ${name} has no version ${version}`);
    const rows = await db
      .selectFrom('model_files')
      .select(['path', 'bytes', 'sha256', 'chunks'])
      .where('name', '=', name)
      .where('version', '=', version)
      .execute();
    // Code-point order, as the directory checksum lists files (a database collation may differ).
    return rows
      .map((row) => ({ path: row.path, bytes: row.bytes, sha256: row.sha256, chunks: row.chunks }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async *readModelFile(name: string, version: number, path: string): AsyncGenerator<Uint8Array> {
    const db = this.#context.db;
    const label = `Model ${name}@${version}`;
    const file = await db
      .selectFrom('model_files')
      .select(['bytes', 'sha256', 'chunks'])
      .where('name', '=', name)
      .where('version', '=', version)
      .where('path', '=', path)
      .executeTakeFirst();
    if (file === undefined) throw new NotFoundError(`${label} has no file ${path} in the store`);
    const digest = createHash('sha256');
    let bytes = 0;
    // One chunk per query: memory stays at one chunk, and a missing one is named.
    for (let chunk = 0; chunk < file.chunks; chunk++) {
      const row = await db
        .selectFrom('model_file_chunks')
        .select('data')
        .where('name', '=', name)
        .where('version', '=', version)
        .where('path', '=', path)
        .where('chunk', '=', chunk)
        .executeTakeFirst();
      if (row === undefined)
        throw new CorruptModelFileError(
          `${label}: ${path} lacks chunk ${chunk} of its ${file.chunks} in the store (corrupted in the store)`,
        );
      bytes += row.data.byteLength;
      digest.update(row.data);
      yield row.data;
    }
    if (bytes !== file.bytes)
      throw new CorruptModelFileError(
        `${label}: ${path} has ${bytes} bytes in the store, ${file.bytes} when it was written (corrupted in the store)`,
      );
    const sha256 = digest.digest('hex');
    if (sha256 !== file.sha256)
      throw new CorruptModelFileError(
        `${label}: ${path} has sha256 ${sha256} in the store, ${file.sha256} when it was written (corrupted in the store)`,
      );
  }
}

/**
 * Writes a version's files inside `trx` (the one that records the version),
 * cutting each into `MODEL_CHUNK_BYTES` rows through one reused buffer and
 * hashing it on the way. Throws (rolling the version back) on a bad or
 * repeated path, or bytes that do not match a given sha256.
 */
export async function writeModelFiles(
  trx: Transaction<Database>,
  name: string,
  version: number,
  files: readonly ModelFileInput[],
): Promise<{ files: number; bytes: number }> {
  const label = `model ${name}@${version}`;
  const paths = new Set<string>();
  for (const file of files) {
    checkModelFilePath(file.path, label);
    if (paths.has(file.path))
      throw new InvalidInputError(`Cannot store ${label}: ${file.path} is given twice`);
    paths.add(file.path);
  }
  const buffer = Buffer.allocUnsafe(MODEL_CHUNK_BYTES);
  let total = 0;
  for (const file of files) {
    const digest = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    let filled = 0;
    const flush = async () => {
      await trx
        .insertInto('model_file_chunks')
        .values({ name, version, path: file.path, chunk: chunks, data: buffer.subarray(0, filled) })
        .execute();
      chunks++;
      filled = 0;
    };
    for await (const piece of file.read()) {
      digest.update(piece);
      bytes += piece.byteLength;
      for (let offset = 0; offset < piece.byteLength; ) {
        const take = Math.min(piece.byteLength - offset, MODEL_CHUNK_BYTES - filled);
        buffer.set(piece.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === MODEL_CHUNK_BYTES) await flush();
      }
    }
    if (filled > 0) await flush();
    const sha256 = digest.digest('hex');
    if (file.sha256 !== undefined && file.sha256.toLowerCase() !== sha256)
      throw new InvalidInputError(
        `Cannot store ${label}: ${file.path} has sha256 ${sha256}, expected ${file.sha256} (changed while it was published?)`,
      );
    await trx
      .insertInto('model_files')
      .values({ name, version, path: file.path, bytes, sha256, chunks })
      .execute();
    total += bytes;
  }
  return { files: files.length, bytes: total };
}

/** Drops a version's files (inside the transaction that deletes the version). */
export async function deleteModelFiles(
  trx: Transaction<Database>,
  name: string,
  version: number,
): Promise<void> {
  await trx.deleteFrom('model_file_chunks').where('name', '=', name).where('version', '=', version).execute();
  await trx.deleteFrom('model_files').where('name', '=', name).where('version', '=', version).execute();
}

/**
 * A model file's path must stay inside the directory it is written back to:
 * relative, `/`-separated, no empty, `.` or `..` parts, no backslash or NUL.
 */
export function checkModelFilePath(path: string, label: string): void {
  const parts = path.split('/');
  const bad =
    path.length === 0 ||
    path.length > ID_MAX_LENGTH ||
    /[\\\0]/.test(path) ||
    parts.some((part) => part === '' || part === '.' || part === '..');
  if (bad)
    throw new InvalidInputError(
      `Cannot store ${label}: file path ${JSON.stringify(path)} must be relative and /-separated, without empty, "." or ".." parts (at most ${ID_MAX_LENGTH} characters)`,
    );
}
