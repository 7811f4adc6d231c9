import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError, type Logger } from '../../core/index.js';
import {
  CorruptModelFileError,
  type ModelFileInput,
  type ModelVersion,
  type Store,
} from '../../storage/index.js';
import { checksumOf, directoryChecksum, type FileDigest, fileDigests } from './directory-checksum.js';

/**
 * How old a hidden `.incoming-` or `.stale-` folder must be before it is taken
 * for the leftover of a killed process (a fetch or publish in progress in
 * another process of a shared cache is far younger).
 */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;

/** A directory copied into the cache for publishing: checked, built and stored from this copy. */
export interface StagedModel {
  /** The copy (a hidden folder of the cache until `keep` moves it into place). */
  path: string;
  files: FileDigest[];
  checksum: string;
}

/**
 * The local folder a server loads model versions from, `<root>/<name>/v<version>/`:
 * a cache of the store, which keeps every version's files. `directoryOf` gives
 * a version's folder after checking it against the checksum the store recorded;
 * a missing or different copy is fetched from the store again, file by file and
 * chunk by chunk, into a hidden folder that replaces the old one by rename
 * only once every file's sha256 matched. Servers may share one cache folder
 * (`genfeed serve --processes N`): whoever installs a good copy first wins.
 * Hidden folders that a killed process left are removed after an hour.
 */
export class ModelCache {
  readonly #store: Store;
  readonly #root: string;
  readonly #logger: Logger;
  /** Names whose folder was swept of leftovers in this run. */
  readonly #swept = new Set<string>();

  constructor(options: { store: Store; root: string; logger: Logger }) {
    this.#store = options.store;
    this.#root = resolve(options.root);
    this.#logger = options.logger;
  }

  /** Where a version of `name` lives in this cache. */
  folderOf(name: string, version: number): string {
    return join(this.#root, name, `v${version}`);
  }

  /**
   * The version's files on this machine, checked against its recorded checksum:
   * the cached copy when it matches, else a fresh one from the store. A version
   * whose files the store does not keep (recorded before the store kept files)
   * is its `path`, checked the same way. InvalidInputError, naming the model,
   * version and file, when the store's copy is corrupt or incomplete.
   */
  async directoryOf(version: ModelVersion): Promise<string> {
    const label = `${version.name}@${version.version}`;
    if (version.storedFiles === 0) {
      const checksum = await directoryChecksum(version.path).catch((error: Error) => {
        throw new InvalidInputError(
          `Cannot load ${label}: ${version.path} cannot be read (${error.message})`,
          {
            cause: error,
          },
        );
      });
      if (checksum !== version.checksum)
        throw new InvalidInputError(
          `Cannot load ${label}: ${version.path} has checksum ${checksum}, the registry recorded ${version.checksum} (corrupted or modified)`,
        );
      return version.path;
    }
    const target = this.folderOf(version.name, version.version);
    const cached = await directoryChecksum(target).catch(() => undefined);
    if (cached === version.checksum) return target;
    if (cached !== undefined)
      this.#logger.warn(
        `registry: the cached copy of ${label} at ${target} differs from the store's; fetching it again`,
      );
    await this.#fetch(version, target);
    return target;
  }

  /** Copies `dir` into the cache under a hidden name and digests every file of the copy. */
  async stage(name: string, dir: string): Promise<StagedModel> {
    const folder = join(this.#root, name);
    await mkdir(folder, { recursive: true });
    await this.#sweep(name);
    const path = join(folder, `.incoming-${randomUUID()}`);
    try {
      await cp(dir, path, { recursive: true });
      const files = await fileDigests(path);
      return { path, files, checksum: checksumOf(files) };
    } catch (error) {
      await this.discard(path);
      throw error;
    }
  }

  /** The staged files as the store takes them: each read from the copy, its sha256 checked as it is written. */
  storeInput(staged: StagedModel): ModelFileInput[] {
    return staged.files.map((file) => ({
      path: file.path,
      sha256: file.sha256,
      read: () => createReadStream(join(staged.path, file.path)),
    }));
  }

  /** Moves a staged copy into place as `version` of `name` (the version the store recorded it as). */
  async keep(staged: StagedModel, name: string, version: number): Promise<void> {
    await this.#install(staged.path, this.folderOf(name, version), staged.checksum);
  }

  /** Removes the cached copy of a version (deleted from the store); other servers' copies stay until their cache is cleared. */
  async remove(name: string, version: number): Promise<void> {
    const target = this.folderOf(name, version);
    const stale = join(dirname(target), `.stale-${randomUUID()}`);
    // Renamed first: a reader never sees a half-removed folder under the version's name.
    await rename(target, stale).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rm(stale, { recursive: true, force: true });
  }

  /** Removes a staged copy that was not kept (a no-op once `keep` moved it). */
  async discard(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }

  async #fetch(version: ModelVersion, target: string): Promise<void> {
    const { name } = version;
    const label = `${name}@${version.version}`;
    const files = await this.#store.listModelFiles(name, version.version);
    const listed = checksumOf(files);
    if (listed !== version.checksum)
      throw new InvalidInputError(
        `Cannot load ${label}: the store keeps ${files.length} files whose checksum is ${listed}, the version recorded ${version.checksum} (a file is missing or extra)`,
      );
    const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
    this.#logger.info(
      `registry: fetching ${label} from the store (${files.length} files, ${(bytes / 1e6).toFixed(1)} MB) into ${target}`,
    );
    await this.#sweep(name);
    const incoming = join(this.#root, name, `.incoming-${randomUUID()}`);
    try {
      for (const file of files) {
        const path = resolve(incoming, file.path);
        if (!path.startsWith(incoming + sep))
          throw new InvalidInputError(
            `Cannot load ${label}: file path ${JSON.stringify(file.path)} leaves its folder`,
          );
        await mkdir(dirname(path), { recursive: true });
        // The store's reader checks each file's chunks, size and sha256 as it streams them.
        try {
          await pipeline(
            this.#store.readModelFile(name, version.version, file.path),
            createWriteStream(path),
          );
        } catch (error) {
          // The store's reader names the model, version and file; the registry refuses the version for it.
          if (error instanceof CorruptModelFileError)
            throw new InvalidInputError(error.message, { cause: error });
          throw error;
        }
      }
      await this.#install(incoming, target, version.checksum);
    } finally {
      await this.discard(incoming);
    }
  }

  /** Removes, once per name and run, the hidden folders of fetches and publishes that never finished. */
  async #sweep(name: string): Promise<void> {
    if (this.#swept.has(name)) return;
    this.#swept.add(name);
    const folder = join(this.#root, name);
    const cutoff = Date.now() - LEFTOVER_AGE_MS;
    for (const entry of await readdir(folder).catch(() => [])) {
      if (!/^\.(incoming|stale)-/.test(entry)) continue;
      const info = await stat(join(folder, entry)).catch(() => undefined);
      if (info === undefined || info.mtimeMs >= cutoff) continue;
      await rm(join(folder, entry), { recursive: true, force: true });
      this.#logger.info(`registry: removed ${join(folder, entry)}, left by a process that did not finish`);
    }
  }

  /**
   * Renames a complete copy to `target`. When a folder is already there, a copy
   * with the right checksum (another server of this cache installed it) is
   * kept, anything else is moved aside and removed.
   */
  async #install(incoming: string, target: string, checksum: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(incoming, target);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt === 3) throw error;
      }
      if ((await directoryChecksum(target).catch(() => undefined)) === checksum) return;
      const stale = join(dirname(target), `.stale-${randomUUID()}`);
      await rename(target, stale).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await rm(stale, { recursive: true, force: true });
    }
  }
}
