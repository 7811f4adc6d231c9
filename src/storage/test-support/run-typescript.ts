import { type ChildProcess, spawn } from 'node:child_process';

const loader = new URL('./typescript-loader.mjs', import.meta.url).href;
const register = `import { register } from 'node:module'; register(${JSON.stringify(loader)});`;

/**
 * Starts `node` on a TypeScript file of the sources, without a build: what a
 * crash test needs to kill a real process mid-write (`child.kill('SIGKILL')`).
 */
export function spawnTypeScript(file: URL, args: readonly string[] = []): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, file.pathname, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}
