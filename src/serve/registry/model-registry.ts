import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  ConflictError,
  InvalidInputError,
  type Logger,
  NotFoundError,
  silentLogger,
} from '../../core/index.js';
import type { FeedPipeline } from '../../feed/index.js';
import type { ItemRecord, ModelActivation, ModelVersion, Store } from '../../storage/index.js';
import type { PipelineStatus } from '../feed-source.js';
import { defaultLoaders, type PipelineLoader } from '../pipelines/model-pipeline.js';
import { ModelCache } from './model-cache.js';

export interface ModelRegistryOptions {
  store: Store;
  /**
   * The local cache of versions, `<root>/<name>/v<version>/`: the store keeps
   * every version's files, this server loads them from here (fetched once).
   */
  root: string;
  /** Model name -> how to build its pipeline. Default: `generative` (`genfeed train` directories) and `cascade` (`saveCascade`). */
  loaders?: Readonly<Record<string, PipelineLoader>>;
  /** The catalogue a pipeline is built for (read at each load). */
  catalogue: () => Promise<readonly ItemRecord[]>;
  logger?: Logger;
}

export interface PublishOptions {
  /** Offline metrics, kept with the version (the training gate's figures). */
  metrics?: Readonly<Record<string, number>>;
  /** Make it the active version (default true): this server swaps to it, others follow on their next sync. */
  activate?: boolean;
  /**
   * The directory checksum the publisher computed (`directoryChecksum`): the
   * version is refused, before anything is built or stored, unless the files
   * have exactly this checksum (an upload cut short or altered on the way).
   */
  checksum?: string;
  /** How errors name the directory (default: its path); an upload's temporary folder is "the upload". */
  shownAs?: string;
}

/** The pipeline a model name serves now and the version it was built from. */
interface Loaded {
  pipeline: FeedPipeline;
  version: ModelVersion;
}

/**
 * Versioned model directories and the pipelines built from them, shared by
 * every server on one store.
 *
 * `publish` copies a directory into the local cache, checks it (the model's
 * own manifest and sha256s through its loader, plus one checksum over every
 * file) and builds its pipeline before anything changes, then writes the
 * files and the version row to the store in one transaction: a corrupt or
 * incompatible model is rejected with the loader's error while the previous
 * version keeps serving. Activation is one transaction, announced to every
 * server (PostgreSQL: LISTEN/NOTIFY). Each server materialises the active
 * version from the store into its own cache folder, checks every file's
 * sha256, the directory checksum and the manifest, and only then swaps: a
 * version whose bytes in the store are damaged is refused, naming the model,
 * version and file, and the previous one keeps serving. Hot swap: building
 * happens off the request path and the swap is one reference assignment, so
 * a request that already took the old pipeline finishes on it and no request
 * waits or fails. Loads of one name run one at a time.
 */
export class ModelRegistry {
  readonly #store: Store;
  readonly #cache: ModelCache;
  readonly #loaders: Readonly<Record<string, PipelineLoader>>;
  readonly #catalogue: () => Promise<readonly ItemRecord[]>;
  readonly #logger: Logger;
  readonly #loaded = new Map<string, Loaded>();
  readonly #queue = new Map<string, Promise<unknown>>();
  /** `version:checksum` of the last version refused per name: not retried until the active version changes. */
  readonly #failed = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #stopListening: (() => Promise<void>) | undefined;
  /** Bumped by `watch` and `close`: a listener that arrives after either is stopped at once. */
  #watching = 0;
  #syncing = false;
  #syncAgain = false;
  readonly #swapListeners: Array<(name: string, pipeline: FeedPipeline) => void> = [];

  constructor(options: ModelRegistryOptions) {
    this.#store = options.store;
    this.#loaders = options.loaders ?? defaultLoaders;
    this.#catalogue = options.catalogue;
    this.#logger = options.logger ?? silentLogger;
    this.#cache = new ModelCache({ store: options.store, root: options.root, logger: this.#logger });
  }

  /** The model names this registry builds pipelines for. */
  get names(): string[] {
    return Object.keys(this.#loaders);
  }

  /** The pipeline serving `name` now (undefined until a version loads). Read once per request. */
  current(name: string): FeedPipeline | undefined {
    return this.#loaded.get(name)?.pipeline;
  }

  /** The version serving `name` now. */
  currentVersion(name: string): ModelVersion | undefined {
    return this.#loaded.get(name)?.version;
  }

  statuses(): PipelineStatus[] {
    return this.names.map((name) => {
      const loaded = this.#loaded.get(name);
      return loaded === undefined
        ? { name, ready: false }
        : { name, ready: true, modelVersion: `${name}@${loaded.version.version}` };
    });
  }

  /**
   * Adds `dir` as the next version of `name`: copied into the cache, checked,
   * built, written to the store (files and version in one transaction) and
   * (by default) activated and swapped in. Throws (and leaves no version
   * behind) when the directory is missing, corrupt or not a `name` model.
   */
  async publish(name: string, dir: string, options: PublishOptions = {}): Promise<ModelVersion> {
    const loader = this.#loaderOf(name);
    const source = resolve(dir);
    const shownAs = options.shownAs ?? source;
    const info = await stat(source).catch(() => undefined);
    if (info === undefined || !info.isDirectory())
      throw new InvalidInputError(`Cannot publish ${name}: ${shownAs} is not a directory`);
    const staged = await this.#cache.stage(name, source);
    try {
      if (staged.files.length === 0)
        throw new InvalidInputError(`Cannot publish ${name}: ${shownAs} holds no files`);
      if (options.checksum !== undefined && options.checksum !== staged.checksum)
        throw new InvalidInputError(
          `Cannot publish ${name}: checksum mismatch: declared ${options.checksum}, the ${staged.files.length} files received have ${staged.checksum}`,
        );
      return await this.#serial(name, async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          const versions = await this.#store.listModelVersions(name);
          const next = versions.reduce((max, version) => Math.max(max, version.version), 0) + 1;
          const pipeline = await this.#build(name, loader, staged.path, next, shownAs);
          let version: ModelVersion;
          try {
            version = await this.#store.addModelVersion({
              name,
              version: next,
              path: this.#cache.folderOf(name, next),
              checksum: staged.checksum,
              metrics: options.metrics ?? {},
              files: this.#cache.storeInput(staged),
            });
          } catch (error) {
            if (error instanceof ConflictError) continue; // another server took this number: build again as the next
            throw error;
          }
          await this.#cache.keep(staged, name, version.version);
          if (!(options.activate ?? true)) return version;
          const active = await this.#store.activateModelVersion(name, version.version);
          this.#swap(name, pipeline, active);
          return active;
        }
        throw new ConflictError(`Cannot publish ${name}: other servers kept taking the next version number`);
      });
    } finally {
      await this.#cache.discard(staged.path);
    }
  }

  /** Makes a stored version active and swaps it in here; a version that fails to load is not activated. */
  async activate(name: string, version: number): Promise<ModelVersion> {
    return this.#serial(name, async () => {
      const stored = await this.#store.getModelVersion(name, version);
      if (stored === undefined) throw new NotFoundError(`Model ${name} has no version ${version}`);
      const pipeline = await this.#load(stored);
      const active = await this.#store.activateModelVersion(name, version);
      this.#swap(name, pipeline, active);
      return active;
    });
  }

  /**
   * Removes a version that is not active from the store (its files with it)
   * and from this server's cache. ConflictError for the active version,
   * NotFoundError for an unknown one.
   */
  async delete(name: string, version: number): Promise<ModelVersion> {
    return this.#serial(name, async () => {
      const stored = await this.#store.getModelVersion(name, version);
      if (stored === undefined) throw new NotFoundError(`Model ${name} has no version ${version}`);
      await this.#store.deleteModelVersion(name, version);
      await this.#cache.remove(name, version);
      return stored;
    });
  }

  /**
   * Loads the store's active version of every name whose loaded version
   * differs (another server published or rolled back). A version that is
   * refused (corrupt or incompatible) is logged, the current one keeps
   * serving, and it is not retried until the active version changes; a
   * failure to reach the store or the disk is retried at the next sync.
   */
  async sync(): Promise<void> {
    for (const name of this.names) {
      const active = await this.#store.activeModelVersion(name);
      if (active === undefined) continue;
      const loaded = this.#loaded.get(name)?.version;
      if (loaded?.version === active.version && loaded.checksum === active.checksum) continue;
      const key = `${active.version}:${active.checksum}`;
      if (this.#failed.get(name) === key) continue;
      await this.#serial(name, async () => {
        const again = this.#loaded.get(name)?.version;
        if (again?.version === active.version && again.checksum === active.checksum) return;
        try {
          this.#swap(name, await this.#load(active), active);
          this.#failed.delete(name);
        } catch (error) {
          const refused = error instanceof InvalidInputError;
          if (refused) this.#failed.set(name, key);
          this.#logger.error(
            `registry: cannot load ${name}@${active.version}; ${loaded ? `still serving ${name}@${loaded.version}` : 'nothing loaded'}${refused ? '' : ' (retrying at the next sync)'}: ${(error as Error).message}`,
          );
        }
      });
    }
  }

  /**
   * Follows the store: syncs on every activation the store announces
   * (PostgreSQL: LISTEN/NOTIFY from any server; SQLite: this process's) and
   * polls every `intervalMs` (default 5 s) as the fallback (SQLite servers in
   * other processes, a notification lost while reconnecting). Resolves once
   * announcements are being listened to; `close` stops both.
   */
  async watch(intervalMs = 5000): Promise<void> {
    await this.close();
    const watching = ++this.#watching;
    this.#timer = setInterval(() => this.#syncSoon(), intervalMs);
    this.#timer.unref();
    try {
      const stop = await this.#store.listenModelActivations((activation) => this.#announced(activation));
      if (watching === this.#watching) this.#stopListening = stop;
      else await stop();
    } catch (error) {
      this.#logger.warn(
        `registry: cannot listen for model activations (${(error as Error).message}); polling every ${intervalMs} ms`,
      );
    }
  }

  /** Stops following the store (`watch`). */
  async close(): Promise<void> {
    this.#watching++;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const stop = this.#stopListening;
    this.#stopListening = undefined;
    await stop?.().catch(() => {});
  }

  /**
   * The files of a stored version on this machine (the cache, fetched from
   * the store when missing or different), checked against its checksum.
   */
  directoryOf(version: ModelVersion): Promise<string> {
    return this.#cache.directoryOf(version);
  }

  #announced(activation: ModelActivation | undefined): void {
    if (activation !== undefined && !this.names.includes(activation.name)) return;
    this.#syncSoon();
  }

  /** Syncs now, or right after the sync in progress (an announcement may have arrived after it read the store). */
  #syncSoon(): void {
    if (this.#syncing) {
      this.#syncAgain = true;
      return;
    }
    this.#syncing = true;
    this.sync()
      .catch((error: Error) => this.#logger.error(`registry: sync failed: ${error.message}`))
      .finally(() => {
        this.#syncing = false;
        if (this.#syncAgain) {
          this.#syncAgain = false;
          this.#syncSoon();
        }
      });
  }

  /** Builds the pipeline of a stored version from its checked files in the cache. */
  async #load(version: ModelVersion): Promise<FeedPipeline> {
    const loader = this.#loaderOf(version.name);
    const dir = await this.#cache.directoryOf(version);
    return this.#build(version.name, loader, dir, version.version);
  }

  /** `shownAs`: the directory errors name (a publish's source, not its temporary copy). */
  async #build(
    name: string,
    loader: PipelineLoader,
    dir: string,
    version: number,
    shownAs = dir,
  ): Promise<FeedPipeline> {
    const catalogue = await this.#catalogue();
    try {
      return await loader(dir, { catalogue, modelVersion: `${name}@${version}`, logger: this.#logger });
    } catch (error) {
      const message = (error as Error).message.replaceAll(dir, shownAs);
      throw new InvalidInputError(`Rejected ${name} model (version ${version}): ${message}`, {
        cause: error,
      });
    }
  }

  /** Calls `listener` right after each swap (the feed service hands the new pipeline items added since its build). */
  onSwap(listener: (name: string, pipeline: FeedPipeline) => void): void {
    this.#swapListeners.push(listener);
  }

  #swap(name: string, pipeline: FeedPipeline, version: ModelVersion): void {
    const previous = this.#loaded.get(name)?.version;
    this.#loaded.set(name, { pipeline, version });
    for (const listener of this.#swapListeners) {
      try {
        listener(name, pipeline);
      } catch (error) {
        this.#logger.error(`registry: a swap listener failed for ${name}: ${(error as Error).message}`);
      }
    }
    this.#logger.info(
      `registry: ${name}@${version.version} serving${previous ? ` (was ${name}@${previous.version})` : ''}`,
    );
  }

  #loaderOf(name: string): PipelineLoader {
    const loader = this.#loaders[name];
    if (loader === undefined)
      throw new InvalidInputError(
        `Unknown model name "${name}" (the registry loads: ${this.names.join(', ')})`,
      );
    return loader;
  }

  /** Runs `work` after every earlier job of `name`: one load at a time per name, never one swap over another. */
  #serial<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queue.get(name) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.#queue.set(
      name,
      next.catch(() => undefined),
    );
    return next;
  }
}
