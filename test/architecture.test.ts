import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The module layers of docs/architecture.md, lowest first. A module may import
 * only modules listed before it, and only through their `index.ts`.
 */
const layers = [
  'core',
  'statistics',
  'feed',
  'data',
  'eval',
  'baselines',
  'tensor',
  'training',
  'tokenizer',
  'generative',
  'reward',
  'cascade',
  'simulate',
  'understand',
  'assistant',
  'storage',
  'insights',
  'serve',
  'web',
  'platform',
  'cli',
];

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function sourceFilesWith(folder: string, extension: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFilesWith(path, extension);
    return name.endsWith(extension) ? [path] : [];
  });
}

/** Relative imports of a file, resolved to source paths (`./x.js` -> `./x.ts`). */
function relativeImports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
}

function isTestCode(file: string): boolean {
  return file.endsWith('.test.ts') || file.split(sep).includes('test-support');
}

function moduleOf(file: string): string | undefined {
  const parts = relative(src, file).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

const files = sourceFiles(src);
const graph = new Map(files.map((file) => [file, relativeImports(file)]));

describe('module architecture', () => {
  it('has only known modules, each with an index.ts', () => {
    const modules = readdirSync(src).filter((name) => statSync(join(src, name)).isDirectory());
    expect(modules.filter((name) => !layers.includes(name))).toEqual([]);
    const withoutIndex = modules.filter((name) => !graph.has(join(src, name, 'index.ts')));
    expect(withoutIndex).toEqual([]);
  });

  it('imports other modules only through their index.ts, and only lower layers', () => {
    const violations: string[] = [];
    for (const [file, imports] of graph) {
      const from = moduleOf(file);
      for (const target of imports) {
        const to = moduleOf(target);
        if (to === undefined || to === from) continue;
        const where = `${relative(root, file)} -> ${relative(root, target)}`;
        // Tests may share a lower module's fixtures (its test-support/ folder); code may not.
        const fixture = isTestCode(file) && relative(join(src, to), target).startsWith(`test-support${sep}`);
        if (target !== join(src, to, 'index.ts') && !fixture)
          violations.push(`${where}: not the module's index.ts`);
        if (from !== undefined && layers.indexOf(to) >= layers.indexOf(from)) {
          violations.push(`${where}: ${from} may not depend on ${to} (a higher or equal layer)`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps understand free of simulate, tests included (simulated users are wired in by the caller)', () => {
    // The layer order alone would allow it: audience finding must work on any interest log.
    const violations = [...graph]
      .filter(([file]) => moduleOf(file) === 'understand')
      .flatMap(([file, imports]) =>
        imports
          .filter((target) => moduleOf(target) === 'simulate')
          .map((target) => `${relative(root, file)} -> ${relative(root, target)}`),
      );
    expect(violations).toEqual([]);
  });

  it('keeps the platform on top: no module below it imports it, tests included', () => {
    // platform assembles serve, web and the models into the demo; a lower module that
    // reached up into it would sit below what it assembles again (the old extendApp).
    const below = layers.slice(0, layers.indexOf('platform'));
    const violations = [...graph]
      .filter(([file]) => below.includes(moduleOf(file) ?? ''))
      .flatMap(([file, imports]) =>
        imports
          .filter((target) => moduleOf(target) === 'platform')
          .map((target) => `${relative(root, file)} -> ${relative(root, target)}`),
      );
    expect(violations).toEqual([]);
  });

  it('exports every module from src/index.ts and from its own package subpath', () => {
    const exported = [
      ...readFileSync(join(src, 'index.ts'), 'utf8').matchAll(/from '\.\/(\w+)\/index\.js'/g),
    ].map((match) => match[1]);
    expect([...exported].sort()).toEqual([...layers].sort());
    const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    for (const name of layers) expect(exports[`./${name}`], name).toBeDefined();
  });

  it("finds what the benches' plain .mjs files import from dist/ among the modules' exports", async () => {
    // tsc never sees bench/**/*.mjs: a moved export would only fail when a bench runs.
    const mjs = sourceFilesWith(join(root, 'bench'), '.mjs');
    const missing: string[] = [];
    for (const file of mjs) {
      const text = readFileSync(file, 'utf8');
      for (const [, names, module] of text.matchAll(
        /import\s*\{([^}]+)\}\s*from\s*'(?:\.\.\/)+dist\/(\w+)\/index\.js'/g,
      )) {
        const exported = await import(join(src, module!, 'index.ts'));
        for (const name of names!.split(',').map((part) => part.trim().split(/\s+as\s+/)[0]!)) {
          if (name !== '' && !(name in exported)) missing.push(`${relative(root, file)}: ${module}.${name}`);
        }
      }
      // Dynamic imports of a module's index are checked for the module's existence.
      for (const [, module] of text.matchAll(/import\('(?:\.\.\/)+dist\/(\w+)\/index\.js'\)/g)) {
        if (!layers.includes(module!)) missing.push(`${relative(root, file)}: no module ${module}`);
      }
    }
    expect(mjs.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('resolves every relative import to a file that exists', () => {
    const missing = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((target) => !graph.has(target))
        .map((target) => `${relative(root, file)} -> ${relative(root, target)}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no import cycles between files', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(root, f)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
