import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { spawnTypeScript } from '../../src/storage/test-support/run-typescript.js';

/** The balancer's config the docs show (docs/deploy.md): the test runs this very file. */
export const haproxyConfig = fileURLToPath(new URL('../../deploy/haproxy.cfg', import.meta.url));
const cli = new URL('../../src/cli/test-support/run-cli.ts', import.meta.url);

/** Why HAProxy cannot run here, or undefined when it can. */
export function haproxyMissing(): string | undefined {
  const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (probe.error !== undefined)
    return `haproxy not found (${probe.error.message}; Debian: apt-get install haproxy)`;
  return probe.status === 0 ? undefined : `haproxy -v exited with ${probe.status}`;
}

/** A port nothing listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** A child process with everything it printed, and a promise of its exit. */
export interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function track(child: ChildProcess): Running {
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves once `pattern` appears in the output; rejects if the process exits first or after `timeoutMs`. */
export function waitForOutput(
  running: Running,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const match = pattern.exec(running.output());
      if (match) {
        clearInterval(poll);
        resolve(match);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${running.output()}`));
      }
    }, 50);
    void running.exited.then((code) => {
      clearInterval(poll);
      if (!pattern.test(running.output())) reject(new Error(`exited with ${code}:\n${running.output()}`));
    });
  });
}

/** `genfeed <args>` from the sources in a process of its own. */
export function genfeed(args: readonly string[]): Running {
  return track(spawnTypeScript(cli, args));
}

/** `genfeed serve` on a port, resolved once it listens. */
export async function startServer(options: {
  port: number;
  database: string;
  models: string;
  keys: string;
}): Promise<Running> {
  const server = genfeed([
    'serve',
    '--port',
    String(options.port),
    '--db',
    options.database,
    '--models',
    options.models,
    '--keys',
    options.keys,
  ]);
  await waitForOutput(server, /genfeed API on http/, 90_000);
  return server;
}

/** HAProxy with deploy/haproxy.cfg in the foreground, listening on `port`, in front of `servers`. */
export function startHaproxy(port: number, servers: readonly number[]): Running {
  const env: Record<string, string> = { ...process.env, GENFEED_LISTEN: `127.0.0.1:${port}` } as Record<
    string,
    string
  >;
  servers.forEach((server, index) => {
    env[`GENFEED_API_${index + 1}`] = `127.0.0.1:${server}`;
  });
  return track(spawn('haproxy', ['-db', '-f', haproxyConfig], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Stops a process: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stop(running: Running | undefined, graceMs = 5000): Promise<void> {
  if (running === undefined || running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), graceMs);
  await running.exited;
  clearTimeout(timer);
}
