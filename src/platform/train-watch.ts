import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, type Progress, silentLogger } from '../core/index.js';
import { type GenerativeParams, loadModelDirectory } from '../generative/index.js';
import { loadRewardModel } from '../reward/index.js';
import {
  GENERATIVE_REWARD_FILE,
  ModelRegistry,
  modelDirectoryLoader,
  readCatalogue,
} from '../serve/index.js';
import type { ModelVersion, Store } from '../storage/index.js';
import {
  demoGenerativeParams,
  fitGenerative,
  type HeldOut,
  heldOutRecall,
  holdOutTail,
  saveGenerative,
} from './train-models.js';
import { readTrainingLog, type TrainingLog } from './training-log.js';

/** The offline gate a retrained model must pass before it is published. */
export interface GateInput {
  /** The candidate's validation Recall@10 on the held-out tail. */
  candidate: number;
  /** The active version's Recall@10 on the same tail (undefined: nothing active yet). */
  active: number | undefined;
  /** How much worse than the active version the candidate may be (absolute Recall@10). */
  tolerance: number;
  /** Held-out users the figures come from; fewer than `minUsers` is no evidence. */
  users: number;
  minUsers?: number;
}

export interface GateDecision {
  publish: boolean;
  reason: string;
}

/**
 * Publish only a model that is no worse than the active one minus a tolerance,
 * measured on enough held-out users; the first model needs only the users.
 */
export function gateDecision(input: GateInput): GateDecision {
  const { candidate, active, tolerance, users } = input;
  const minUsers = input.minUsers ?? 20;
  if (!Number.isFinite(candidate)) return { publish: false, reason: `candidate Recall@10 is ${candidate}` };
  if (!(tolerance >= 0)) throw new RangeError(`gate tolerance must be >= 0, got ${tolerance}`);
  if (users < minUsers)
    return { publish: false, reason: `only ${users} held-out users (at least ${minUsers} needed)` };
  if (active === undefined)
    return { publish: true, reason: `no active version; Recall@10 ${candidate.toFixed(4)}` };
  const floor = active - tolerance;
  return candidate >= floor
    ? {
        publish: true,
        reason: `Recall@10 ${candidate.toFixed(4)} >= active ${active.toFixed(4)} - ${tolerance}`,
      }
    : {
        publish: false,
        reason: `Recall@10 ${candidate.toFixed(4)} < active ${active.toFixed(4)} - ${tolerance}`,
      };
}

/** Where a passing model goes: the model registry (`ModelRegistry.publish`) or any stand-in. */
export type Publisher = (
  name: string,
  dir: string,
  metrics: Record<string, number>,
) => Promise<Pick<ModelVersion, 'name' | 'version'>>;

export interface RetrainOptions {
  /** Registered model name (default `generative`). */
  name?: string;
  /** Over the demo preset (config/generative-demo.json). */
  params?: Partial<GenerativeParams>;
  tolerance?: number;
  minUsers?: number;
  /** Held-out users evaluated at most (default 500). */
  maxUsers?: number;
  seed?: number;
  logger?: Logger;
  progress?: Progress;
  genfeedVersion?: string;
  /**
   * The active version's files on this machine (the registry's cache, fetched
   * from the store: `ModelRegistry.directoryOf`); default its recorded `path`.
   */
  modelDirectory?: (version: ModelVersion) => Promise<string>;
}

export interface RetrainReport {
  events: number;
  users: number;
  heldOutUsers: number;
  candidate: number;
  active: number | undefined;
  activeVersion: number | undefined;
  decision: GateDecision;
  published?: number;
  trainSeconds: number;
}

/**
 * One round of `genfeed train --watch`: reads the store's event log, holds out
 * each user's last play, fits the generative model on the rest, measures both
 * it and the active version on that tail, and publishes the new one only when
 * the gate passes.
 */
export async function retrainOnce(
  store: Store,
  publish: Publisher,
  options: RetrainOptions = {},
): Promise<RetrainReport> {
  const name = options.name ?? 'generative';
  const logger = options.logger ?? silentLogger;
  const seed = options.seed ?? 42;
  const log = await readTrainingLog(store);
  const heldOut = holdOutTail(log, { seed, maxUsers: options.maxUsers ?? 500 });
  const params = { ...demoGenerativeParams, ...options.params };
  const trained = await fitGenerative(heldOut.fit, log.items.length, params, {
    seed,
    validation: heldOut.validation,
    logger,
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  });
  const candidate = heldOutRecall(trained.model, heldOut, log.items.length);
  const activeVersion = await store.activeModelVersion(name);
  const modelDirectory = options.modelDirectory ?? (async (version: ModelVersion) => version.path);
  const active =
    activeVersion === undefined
      ? undefined
      : await activeRecall(activeVersion, modelDirectory, log, heldOut, logger);
  const decision = gateDecision({
    candidate,
    active,
    tolerance: options.tolerance ?? 0.005,
    users: heldOut.users.length,
    ...(options.minUsers === undefined ? {} : { minUsers: options.minUsers }),
  });
  const report: RetrainReport = {
    events: log.events.length,
    users: log.userIds.length,
    heldOutUsers: heldOut.users.length,
    candidate,
    active,
    activeVersion: activeVersion?.version,
    decision,
    trainSeconds: trained.seconds,
  };
  if (decision.publish) {
    const dir = await mkdtemp(join(tmpdir(), 'genfeed-retrain-'));
    try {
      await saveGenerative(dir, trained, log, {
        seed,
        ...(options.genfeedVersion === undefined ? {} : { genfeedVersion: options.genfeedVersion }),
      });
      if (activeVersion !== undefined)
        await carryReward(activeVersion, modelDirectory, dir, log.items.length, logger);
      const version = await publish(name, dir, {
        recallAt10: candidate,
        heldOutUsers: heldOut.users.length,
        events: log.events.length,
        trainSeconds: trained.seconds,
      });
      report.published = version.version;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return report;
}

/**
 * Keeps the demo's `rerank` stage across retrains: the active version's reward
 * model (if its directory has one and it knows every item of today's log) is
 * copied into the new version's directory; otherwise the new version serves
 * the beam's order.
 */
async function carryReward(
  active: ModelVersion,
  modelDirectory: (version: ModelVersion) => Promise<string>,
  dir: string,
  items: number,
  logger: Logger,
): Promise<void> {
  try {
    const source = join(await modelDirectory(active), GENERATIVE_REWARD_FILE);
    if (!existsSync(source)) return;
    const reward = await loadRewardModel(source);
    if (reward.config.numItems < items) {
      logger.warn(
        `the reward model of ${active.name}@${active.version} knows ${reward.config.numItems} items, the log ${items}: the new version serves the beam order`,
      );
      return;
    }
    await copyFile(source, join(dir, GENERATIVE_REWARD_FILE));
  } catch (error) {
    logger.warn(
      `cannot carry the reward model of ${active.name}@${active.version} over: ${(error as Error).message}`,
    );
  }
}

/**
 * The active version on today's tail: its directory loaded (checksums checked)
 * and asked by item id; if it cannot be loaded, the Recall@10 stored with it.
 */
async function activeRecall(
  version: ModelVersion,
  modelDirectory: (version: ModelVersion) => Promise<string>,
  log: TrainingLog,
  heldOut: HeldOut,
  logger: Logger,
): Promise<number | undefined> {
  try {
    const saved = await loadModelDirectory(await modelDirectory(version));
    let sum = 0;
    heldOut.users.forEach((user, i) => {
      const history = Array.from(heldOut.fit[user]!, (item) => log.items[item]!.id);
      const { items } = saved.recommend(history, 10);
      const target = log.items[heldOut.targets[i]!]!.id;
      if (items.some((item) => item.itemId === target)) sum++;
    });
    return heldOut.users.length === 0 ? 0 : sum / heldOut.users.length;
  } catch (error) {
    logger.warn(
      `cannot evaluate ${version.name}@${version.version} on the new tail (${(error as Error).message}); using its stored Recall@10`,
    );
    return version.metrics.recallAt10;
  }
}

/** Where `genfeed train --watch` publishes, and where it finds the active version's files. */
export interface RegistryTarget {
  publish: Publisher;
  modelDirectory: (version: ModelVersion) => Promise<string>;
}

/**
 * The model registry of `store`, with `root` as this machine's cache (the
 * servers' `--models`): a version is checked by loading its pipeline, its
 * files and row written to the store and activated; servers on the store
 * swap to it. The active version is read back from the store into the cache.
 */
export function registryTarget(store: Store, root: string, logger: Logger = silentLogger): RegistryTarget {
  const registry = new ModelRegistry({
    store,
    root,
    loaders: { generative: modelDirectoryLoader('generative') },
    catalogue: () => readCatalogue(store),
    logger,
  });
  return {
    publish: (name, dir, metrics) => registry.publish(name, dir, { metrics }),
    modelDirectory: (version) => registry.directoryOf(version),
  };
}

export interface WatchOptions extends RetrainOptions {
  /** Minutes between rounds. */
  everyMinutes: number;
  /** Stop after this many rounds (default: until `signal` aborts). */
  rounds?: number;
  signal?: AbortSignal;
  onReport?: (report: RetrainReport) => void;
}

/** `genfeed train --watch`: `retrainOnce` now and every `everyMinutes`, until aborted or `rounds` ran. */
export async function watchAndRetrain(
  store: Store,
  publish: Publisher,
  options: WatchOptions,
): Promise<number> {
  if (!(options.everyMinutes > 0))
    throw new RangeError(`--every must be positive minutes, got ${options.everyMinutes}`);
  let rounds = 0;
  while (!options.signal?.aborted && (options.rounds === undefined || rounds < options.rounds)) {
    const report = await retrainOnce(store, publish, options);
    rounds++;
    options.onReport?.(report);
    if (options.rounds !== undefined && rounds >= options.rounds) break;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, options.everyMinutes * 60_000);
      options.signal?.addEventListener('abort', done, { once: true });
    });
  }
  return rounds;
}
