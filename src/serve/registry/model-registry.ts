import { randomUUID } from 'node:crypto';
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ConflictError,
  InvalidInputError,
  type Logger,
  NotFoundError,
  silentLogger,
} from '../../core/index.js';
import type { FeedPipeline } from '../../feed/index.js';
import type { ItemRecord, ModelVersion, Store } from '../../storage/index.js';
import type { PipelineStatus } from '../feed-source.js';
import { defaultLoaders, type PipelineLoader } from '../pipelines/model-pipeline.js';
import { directoryChecksum } from './directory-checksum.js';

export interface ModelRegistryOptions {
  store: Store;
  /** Versions live in `<root>/<name>/v<version>/`. */
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
}

/** The pipeline a model name serves now and the version it was built from. */
interface Loaded {
  pipeline: FeedPipeline;
  version: ModelVersion;
}

/**
 * Versioned model directories and the pipelines built from them.
 *
 * `publish` copies a directory into the registry, checks it (the model's own
 * manifest and sha256s through its loader, plus one checksum over every file,
 * stored with the version) and builds its pipeline before anything changes:
 * a corrupt or incompatible model is rejected with the loader's error while the
 * previous version keeps serving. Hot swap: building happens off the request
 * path, and the swap is one reference assignment, so a request that already
 * took the old pipeline finishes on it and no request waits or fails. Servers
 * converge through the store: `sync` (or `watch`, every few seconds) loads
 * whatever version the store marks active. Loads of one name run one at a time.
 */
export class ModelRegistry {
  readonly #store: Store;
  readonly #root: string;
  readonly #loaders: Readonly<Record<string, PipelineLoader>>;
  readonly #catalogue: () => Promise<readonly ItemRecord[]>;
  readonly #logger: Logger;
  readonly #loaded = new Map<string, Loaded>();
  readonly #queue = new Map<string, Promise<unknown>>();
  /** `version:checksum` of the last failed load per name: not retried until the active version changes. */
  readonly #failed = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  readonly #swapListeners: Array<(name: string, pipeline: FeedPipeline) => void> = [];

  constructor(options: ModelRegistryOptions) {
    this.#store = options.store;
    this.#root = resolve(options.root);
    this.#loaders = options.loaders ?? defaultLoaders;
    this.#catalogue = options.catalogue;
    this.#logger = options.logger ?? silentLogger;
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
   * Adds `dir` as the next version of `name`: copied under the root, checked,
   * built, recorded in the store and (by default) activated and swapped in.
   * Throws (and leaves no version behind) when the directory is missing,
   * corrupt or not a `name` model.
   */
  async publish(name: string, dir: string, options: PublishOptions = {}): Promise<ModelVersion> {
    const loader = this.#loaderOf(name);
    const source = resolve(dir);
    const info = await stat(source).catch(() => undefined);
    if (info === undefined || !info.isDirectory())
      throw new InvalidInputError(`Cannot publish ${name}: ${source} is not a directory`);
    const folder = join(this.#root, name);
    await mkdir(folder, { recursive: true });
    const incoming = join(folder, `.incoming-${randomUUID()}`);
    await cp(source, incoming, { recursive: true });
    try {
      const checksum = await directoryChecksum(incoming);
      return await this.#serial(name, async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          const versions = await this.#store.listModelVersions(name);
          const next = versions.reduce((max, version) => Math.max(max, version.version), 0) + 1;
          const pipeline = await this.#build(name, loader, incoming, next, source);
          // A folder left by a publish that crashed before recording (or racing on a shared disk) is not reused.
          const plain = join(this.#root, name, `v${next}`);
          const path = (await exists(plain)) ? `${plain}-${randomUUID().slice(0, 8)}` : plain;
          await rename(incoming, path);
          let version: ModelVersion;
          try {
            version = await this.#store.addModelVersion({
              name,
              version: next,
              path,
              checksum,
              metrics: options.metrics ?? {},
            });
          } catch (error) {
            await rename(path, incoming);
            if (error instanceof ConflictError) continue; // another server took this number: build again as the next
            throw error;
          }
          if (!(options.activate ?? true)) return version;
          const active = await this.#store.activateModelVersion(name, version.version);
          this.#swap(name, pipeline, active);
          return active;
        }
        throw new ConflictError(`Cannot publish ${name}: other servers kept taking the next version number`);
      });
    } finally {
      await rm(incoming, { recursive: true, force: true });
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
   * Loads the store's active version of every name whose loaded version
   * differs (another server published or rolled back). A version that fails is
   * logged, the current one keeps serving, and it is not retried until the
   * active version changes.
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
          this.#failed.set(name, key);
          this.#logger.error(
            `registry: cannot load ${name}@${active.version}; ${loaded ? `still serving ${name}@${loaded.version}` : 'nothing loaded'}: ${(error as Error).message}`,
          );
        }
      });
    }
  }

  /** Polls the store every `intervalMs` (default 5 s) and syncs; `close` stops it. */
  watch(intervalMs = 5000): void {
    this.close();
    let running = false;
    this.#timer = setInterval(() => {
      if (running) return;
      running = true;
      this.sync()
        .catch((error: Error) => this.#logger.error(`registry: sync failed: ${error.message}`))
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    this.#timer.unref();
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Builds the pipeline of a stored version after checking its directory against the stored checksum. */
  async #load(version: ModelVersion): Promise<FeedPipeline> {
    const loader = this.#loaderOf(version.name);
    const label = `${version.name}@${version.version}`;
    const checksum = await directoryChecksum(version.path).catch((error: Error) => {
      throw new InvalidInputError(`Cannot load ${label}: ${version.path} cannot be read (${error.message})`, {
        cause: error,
      });
    });
    if (checksum !== version.checksum)
      throw new InvalidInputError(
        `Cannot load ${label}: ${version.path} has checksum ${checksum}, the registry recorded ${version.checksum} (corrupted or modified)`,
      );
    return this.#build(version.name, loader, version.path, version.version);
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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
