import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Logger, silentLogger } from '../../core/index.js';
import { findAddon } from './native-kernels.js';
import { availableBackends, backendInfo, useBackend } from './select.js';

function capture(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(`warn: ${m}`),
  };
  return { lines, logger };
}

describe('backend selection', () => {
  const saved = process.env.GENFEED_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.GENFEED_BACKEND;
    else process.env.GENFEED_BACKEND = saved;
    useBackend();
  });

  it('logs exactly one line naming the active backend', () => {
    const { lines, logger } = capture();
    const info = useBackend('ts', { logger });
    expect(info.name).toBe('ts');
    expect(lines).toEqual(['tensor backend: ts (pure TypeScript kernels)']);
  });

  it('honours GENFEED_BACKEND=ts over the native default', () => {
    process.env.GENFEED_BACKEND = 'ts';
    const { logger } = capture();
    expect(useBackend(undefined, { logger }).name).toBe('ts');
    expect(backendInfo().name).toBe('ts');
  });

  it('prefers native when the addon loads, and names the BLAS and threads', () => {
    delete process.env.GENFEED_BACKEND;
    const { lines, logger } = capture();
    const info = useBackend(undefined, { logger, threads: 1 });
    if (availableBackends().includes('native')) {
      expect(info.name).toBe('native');
      expect(lines[0]).toMatch(
        /^tensor backend: native \((OpenBLAS cblas_sgemm|blocked C GEMM, no BLAS), 1 thread\)$/,
      );
    } else {
      expect(info.name).toBe('ts');
    }
    expect(lines).toHaveLength(1);
  });
});

describe('the addon path', () => {
  it('is found in the nearest ancestor holding build/Release, however deep the module sits', () => {
    const root = mkdtempSync(join(tmpdir(), 'genfeed-addon-'));
    try {
      const addon = join(root, 'build', 'Release', 'genfeed_native.node');
      mkdirSync(dirname(addon), { recursive: true });
      writeFileSync(addon, '');
      const deep = join(root, 'dist', 'bench-scale', 'src', 'tensor', 'backend');
      mkdirSync(deep, { recursive: true });
      expect(findAddon(deep)).toBe(addon);
      expect(findAddon(join(root, 'dist', 'tensor', 'backend'))).toBe(addon);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('names the package-root location when no ancestor holds it', () => {
    const root = mkdtempSync(join(tmpdir(), 'genfeed-addon-'));
    try {
      const from = join(root, 'a', 'b', 'c');
      expect(findAddon(from)).toBe(join(root, 'build', 'Release', 'genfeed_native.node'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
