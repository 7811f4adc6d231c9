import { availableParallelism } from 'node:os';
import { type Logger, silentLogger } from '../../core/index.js';
import type { Kernels } from './kernels.js';
import { loadAddon, type NativeAddon, nativeKernels } from './native-kernels.js';
import { tsKernels } from './ts-kernels.js';

export type BackendName = 'ts' | 'native';

export interface BackendInfo {
  name: BackendName;
  /** e.g. "native (OpenBLAS cblas_sgemm, 2 threads)". */
  description: string;
  threads: number;
}

export interface UseBackendOptions {
  /** Receives the one line naming the active backend. */
  logger?: Logger;
  /** BLAS threads for the native backend: 2 for training, 1 for serving. */
  threads?: number;
}

let addon: NativeAddon | string | undefined;
let active: Kernels | null = null;
let activeInfo: BackendInfo | null = null;
let threadCount = 0;
let defaultLogger: Logger = silentLogger;

function nativeAddon(): NativeAddon | string {
  if (addon === undefined) addon = loadAddon();
  return addon;
}

function defaultThreads(): number {
  const fromEnv = Number(process.env.GENFEED_THREADS);
  const wanted = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 2;
  return Math.max(1, Math.min(wanted, availableParallelism()));
}

/** Backends that can run here (ts always; native when the addon loads). */
export function availableBackends(): BackendName[] {
  return typeof nativeAddon() === 'string' ? ['ts'] : ['ts', 'native'];
}

/** Why the native backend is unavailable, or null when it is available. */
export function nativeUnavailableReason(): string | null {
  const loaded = nativeAddon();
  return typeof loaded === 'string' ? loaded : null;
}

/** The logger used when the backend is chosen implicitly by the first op. */
export function setTensorLogger(logger: Logger): void {
  defaultLogger = logger;
}

/**
 * Selects the kernel backend. Without a name: GENFEED_BACKEND (ts|native) if set,
 * else native when the addon loads, else ts. Asking for native when it cannot load
 * falls back to ts; both cases log one line.
 */
export function useBackend(name?: BackendName, options: UseBackendOptions = {}): BackendInfo {
  const logger = options.logger ?? defaultLogger;
  const fromEnv = process.env.GENFEED_BACKEND;
  if (fromEnv !== undefined && fromEnv !== '' && fromEnv !== 'ts' && fromEnv !== 'native') {
    logger.warn(`GENFEED_BACKEND=${fromEnv} is not ts or native; ignoring it`);
  }
  const requested: BackendName | undefined =
    name ?? (fromEnv === 'ts' || fromEnv === 'native' ? fromEnv : undefined);
  threadCount = options.threads ?? (threadCount || defaultThreads());
  const loaded = requested === 'ts' ? 'not requested' : nativeAddon();
  if (typeof loaded === 'string') {
    active = tsKernels;
    activeInfo = { name: 'ts', description: 'ts (pure TypeScript kernels)', threads: 1 };
    if (requested === 'native') logger.warn(`tensor backend: native unavailable (${loaded}); using ts`);
    else logger.info(`tensor backend: ${activeInfo.description}`);
  } else {
    loaded.setThreads(threadCount);
    const blas = loaded.info().blas === 'openblas' ? 'OpenBLAS cblas_sgemm' : 'blocked C GEMM, no BLAS';
    active = nativeKernels(loaded);
    activeInfo = {
      name: 'native',
      description: `native (${blas}, ${threadLabel(threadCount)})`,
      threads: threadCount,
    };
    logger.info(`tensor backend: ${activeInfo.description}`);
  }
  return activeInfo;
}

function threadLabel(threads: number): string {
  return `${threads} thread${threads === 1 ? '' : 's'}`;
}

/** Sets the thread count of the native kernels, GEMMs included (no effect on ts). */
export function setThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`setThreads: need an integer >= 1, got ${threads}`);
  threadCount = threads;
  const loaded = addon;
  if (activeInfo?.name === 'native' && loaded !== undefined && typeof loaded !== 'string') {
    loaded.setThreads(threads);
    activeInfo = {
      ...activeInfo,
      threads,
      description: activeInfo.description.replace(/\d+ threads?/, threadLabel(threads)),
    };
  }
}

export function backendInfo(): BackendInfo {
  if (activeInfo === null) useBackend();
  return activeInfo!;
}

/** The active kernels (chooses the backend on first use). */
export function kernels(): Kernels {
  if (active === null) useBackend();
  return active!;
}
