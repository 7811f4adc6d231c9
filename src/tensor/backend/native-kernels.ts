import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kernels } from './kernels.js';

/** The C functions exported by native/genfeed.c (see there for argument order). */
export interface NativeAddon {
  info(): { blas: string; threads: number };
  setThreads(threads: number): void;
  sgemm(...args: unknown[]): void;
  biasAct: Kernels['biasAct'];
  biasActBackward: Kernels['biasActBackward'];
  layerNorm: Kernels['layerNorm'];
  layerNormBackward: Kernels['layerNormBackward'];
  rmsNorm: Kernels['rmsNorm'];
  rmsNormBackward: Kernels['rmsNormBackward'];
  softmax: Kernels['softmax'];
  softmaxBackward: Kernels['softmaxBackward'];
  attentionSoftmax: Kernels['attentionSoftmax'];
  crossEntropy: Kernels['crossEntropy'];
  crossEntropyBackward: Kernels['crossEntropyBackward'];
  adamw: Kernels['adamw'];
  gather: Kernels['gather'];
  scatterAdd: Kernels['scatterAdd'];
  sumSquares: Kernels['sumSquares'];
  binary: Kernels['binary'];
  sumAxis: Kernels['sumAxis'];
  sumAxisBackward: Kernels['sumAxisBackward'];
  axpy: Kernels['axpy'];
  scale: Kernels['scale'];
  dropout: Kernels['dropout'];
}

const REQUIRED = [
  'info',
  'setThreads',
  'sgemm',
  'biasAct',
  'biasActBackward',
  'layerNorm',
  'layerNormBackward',
  'rmsNorm',
  'rmsNormBackward',
  'softmax',
  'softmaxBackward',
  'attentionSoftmax',
  'crossEntropy',
  'crossEntropyBackward',
  'adamw',
  'gather',
  'scatterAdd',
  'binary',
  'sumAxis',
  'sumAxisBackward',
  'sumSquares',
  'axpy',
  'scale',
  'dropout',
] as const;

const addonFile = join('build', 'Release', 'genfeed_native.node');

/**
 * build/Release/ of the package root: the nearest ancestor of this module that
 * holds the addon (three levels above src/tensor/backend or dist/tensor/backend;
 * deeper for benchmark builds such as dist/bench-scale/src/tensor/backend), or
 * the package-root path when none does, so the error names where to build it.
 */
export const addonPath = findAddon(dirname(fileURLToPath(import.meta.url)));

export function findAddon(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, addonFile);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return resolve(from, '..', '..', '..', addonFile);
  }
}

/** Loads the addon, or returns the reason it cannot be used. */
export function loadAddon(): NativeAddon | string {
  if (!existsSync(addonPath)) return `${addonPath} not found (build it with npm run build:native)`;
  try {
    const require = createRequire(import.meta.url);
    const addon = require(addonPath) as Record<string, unknown>;
    const missing = REQUIRED.filter((name) => typeof addon[name] !== 'function');
    if (missing.length > 0) {
      return `${addonPath} is stale (no ${missing.join(', ')}); rebuild it with npm run build:native`;
    }
    return addon as unknown as NativeAddon;
  } catch (error) {
    return `cannot load ${addonPath}: ${(error as Error).message.split('\n')[0]}`;
  }
}

export function nativeKernels(addon: NativeAddon): Kernels {
  return {
    gemm(c) {
      addon.sgemm(
        c.transA,
        c.transB,
        c.m,
        c.n,
        c.k,
        c.alpha,
        c.a,
        c.aOffset,
        c.lda,
        c.aStride0,
        c.aStride1,
        c.b,
        c.bOffset,
        c.ldb,
        c.bStride0,
        c.bStride1,
        c.beta,
        c.c,
        c.cOffset,
        c.ldc,
        c.cStride0,
        c.cStride1,
        c.batch0,
        c.batch1,
      );
    },
    biasAct: addon.biasAct,
    biasActBackward: addon.biasActBackward,
    layerNorm: addon.layerNorm,
    layerNormBackward: addon.layerNormBackward,
    rmsNorm: addon.rmsNorm,
    rmsNormBackward: addon.rmsNormBackward,
    softmax: addon.softmax,
    softmaxBackward: addon.softmaxBackward,
    attentionSoftmax: addon.attentionSoftmax,
    crossEntropy: addon.crossEntropy,
    crossEntropyBackward: addon.crossEntropyBackward,
    adamw: addon.adamw,
    gather: addon.gather,
    scatterAdd: addon.scatterAdd,
    sumSquares: addon.sumSquares,
    binary: addon.binary,
    sumAxis: addon.sumAxis,
    sumAxisBackward: addon.sumAxisBackward,
    axpy: addon.axpy,
    scale: addon.scale,
    dropout: addon.dropout,
  };
}
