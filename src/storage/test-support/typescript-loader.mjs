// Module hooks that let a child `node` process run the TypeScript sources as
// they are (no build): `.js` imports resolve to the `.ts` file beside them and
// `.ts` files are transpiled on load. For tests that must kill a real process
// (crash safety); vitest does the same for the tests themselves.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Transpiled files are kept by the hash of their source, so the processes a
// test starts (a cluster's servers, a restarted writer) transpile each file once.
const cache = join(tmpdir(), 'genfeed-typescript-loader');
let typescript;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('.') || specifier.startsWith('file:');
    if (!relative || !specifier.endsWith('.js')) throw error;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const cached = join(
    cache,
    `${createHash('sha256').update(url).update('\0').update(source).digest('hex')}.js`,
  );
  try {
    return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true };
  } catch {
    // not transpiled yet
  }
  typescript ??= (await import('typescript')).default;
  const { outputText } = typescript.transpileModule(source, {
    fileName: url,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  await mkdir(cache, { recursive: true });
  const partial = `${cached}.${process.pid}`;
  await writeFile(partial, outputText);
  await rename(partial, cached);
  return { format: 'module', source: outputText, shortCircuit: true };
}
