import type { WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread's entry file `name` (no extension) beside the module at
 * `moduleUrl`: the built `.js`, or, when that module runs from the TypeScript
 * sources (vitest), the `.ts` file under the module hooks that let `node` load
 * the sources (src/storage/test-support/typescript-loader.mjs).
 */
export function workerEntry(moduleUrl: string, name: string): { url: URL; options: WorkerOptions } {
  if (!moduleUrl.endsWith('.ts')) return { url: new URL(`./${name}.js`, moduleUrl), options: {} };
  const loader = new URL('../storage/test-support/typescript-loader.mjs', import.meta.url).href;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(loader)});`;
  return {
    url: new URL(`./${name}.ts`, moduleUrl),
    options: { execArgv: ['--import', `data:text/javascript,${encodeURIComponent(register)}`] },
  };
}
