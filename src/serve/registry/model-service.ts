import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, InvalidInputError, NotFoundError } from '../../core/index.js';
import type { ModelVersion, Store } from '../../storage/index.js';
import type { ModelRegistry, PublishOptions } from './model-registry.js';

/** One file of a model directory sent over the network (an upload's part). */
export interface ReceivedModelFile {
  /** Relative to the model directory, `/`-separated (`model.safetensors`, `tokenizer/codes.bin`). */
  path: string;
  /** Its bytes: a web stream (a `File`'s `stream()`) or any async iterable of chunks. */
  read: () => ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
}

/** Longest file path inside a model directory, in characters. */
export const MAX_MODEL_FILE_PATH = 1024;

/**
 * Model versions, one implementation behind the admin API, the dashboard's
 * Models page and `genfeed models`: list, publish (a directory on this
 * machine or files received over the network, checked against the declared
 * checksum and loaded before anything is stored), activate, roll back and
 * delete. Every change goes through the registry, so this server swaps at
 * once and the others follow the store's announcement.
 */
export class ModelService {
  readonly #store: Store;
  readonly #registry: ModelRegistry;

  constructor(store: Store, registry: ModelRegistry) {
    this.#store = store;
    this.#registry = registry;
  }

  /** Recorded versions (of `name`, or of every model), newest first. */
  list(name?: string): Promise<ModelVersion[]> {
    return this.#store.listModelVersions(name);
  }

  /** Publishes a directory of this machine as the next version of `name` (`ModelRegistry.publish`). */
  publish(name: string, dir: string, options: PublishOptions = {}): Promise<ModelVersion> {
    return this.#registry.publish(name, dir, options);
  }

  /**
   * Publishes files received over the network: written to a private temporary
   * folder (paths checked: relative, no `.` or `..` part, no backslash, each
   * once), then published from it like a directory. InvalidInputError naming
   * the file for a bad path, and naming both checksums when the files do not
   * have the declared one; nothing is stored then and the active version
   * keeps serving.
   */
  async publishFiles(
    name: string,
    files: readonly ReceivedModelFile[],
    options: PublishOptions & { checksum: string },
  ): Promise<ModelVersion> {
    if (files.length === 0) throw new InvalidInputError(`Cannot publish ${name}: no files were sent`);
    const seen = new Set<string>();
    for (const file of files) {
      checkFilePath(file.path);
      if (seen.has(file.path))
        throw new InvalidInputError(`Cannot publish ${name}: file "${file.path}" was sent twice`);
      seen.add(file.path);
    }
    const folder = await mkdtemp(join(tmpdir(), 'genfeed-upload-'));
    try {
      const dir = join(folder, name.replace(/[^\w.-]/g, '_'));
      for (const file of files) {
        const target = join(dir, ...file.path.split('/'));
        await mkdir(dirname(target), { recursive: true });
        const source = file.read();
        await pipeline(
          source instanceof ReadableStream ? Readable.fromWeb(source as never) : Readable.from(source),
          createWriteStream(target, { flags: 'wx' }),
        );
      }
      return await this.#registry.publish(name, dir, { shownAs: 'the upload', ...options });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  /** Makes a recorded version active (fetched, checked and loaded here first); NotFoundError for an unknown one. */
  activate(name: string, version: number): Promise<ModelVersion> {
    return this.#registry.activate(name, version);
  }

  /**
   * Activates the version before the active one: the newest recorded version
   * numbered below it. ConflictError when nothing is active or no earlier
   * version is recorded; NotFoundError for a model with no versions.
   */
  async rollback(name: string): Promise<ModelVersion> {
    const versions = await this.#store.listModelVersions(name);
    if (versions.length === 0) throw new NotFoundError(`Model ${name} has no recorded versions`);
    const active = versions.find((version) => version.active);
    if (active === undefined)
      throw new ConflictError(`Cannot roll back ${name}: no version is active (activate one instead)`);
    const previous = versions
      .filter((version) => version.version < active.version)
      .reduce<ModelVersion | undefined>(
        (newest, version) => (newest === undefined || version.version > newest.version ? version : newest),
        undefined,
      );
    if (previous === undefined)
      throw new ConflictError(
        `Cannot roll back ${name}: ${name}@${active.version} is active and no earlier version is recorded`,
      );
    return this.#registry.activate(name, previous.version);
  }

  /** Deletes an inactive version and its files; ConflictError for the active one, NotFoundError for an unknown one. */
  delete(name: string, version: number): Promise<ModelVersion> {
    return this.#registry.delete(name, version);
  }
}

/** The store's rule for a model file's path, checked before anything is written to disk. */
function checkFilePath(path: string): void {
  const bad = (reason: string) =>
    new InvalidInputError(`File path ${JSON.stringify(path.slice(0, 200))}: ${reason}`);
  if (path.length === 0) throw bad('must not be empty');
  if (path.length > MAX_MODEL_FILE_PATH) throw bad(`must be at most ${MAX_MODEL_FILE_PATH} characters`);
  if (path.startsWith('/')) throw bad('must be relative to the model directory');
  if (path.includes('\\')) throw bad('must separate folders with "/", not "\\"');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what the check refuses
  if (/[\u0000-\u001f\u007f]/.test(path)) throw bad('must not hold control characters');
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..'))
    throw bad('must not hold empty, "." or ".." parts');
}
