// The server of a load bench in its own process (so the load generator cannot
// starve its event loop), driven over IPC: `next()` waits for its next message,
// `ask(message)` sends one and waits for the answer ({ type: 'error' } throws).
import { fork } from 'node:child_process';

export function serverProcess(script, options) {
  // GENFEED_BENCH_SERVER_ARGS: node flags for the server alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const execArgv = (process.env.GENFEED_BENCH_SERVER_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const child = fork(script, [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...process.execArgv, ...execArgv],
  });
  const waiting = [];
  let closing = false;
  child.on('message', (message) => waiting.shift()?.(message));
  child.on('exit', (code) => {
    if (!closing || code !== 0) {
      console.error(`server process exited with ${code}${closing ? '' : ' during the run'}`);
      process.exit(1);
    }
  });
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const ask = async (message) => {
    const answer = next();
    child.send(message);
    const reply = await answer;
    if (reply.type === 'error') throw new Error(reply.message);
    return reply;
  };
  /** Asks the server to close; its exit is then expected. */
  const close = (message = { type: 'close' }) => {
    closing = true;
    return ask(message);
  };
  return { child, next, ask, close };
}

/**
 * The child's side: builds the demo platform from the options the parent passed,
 * answers each message with `handlers[type](message, platform)` (what it returns is
 * sent back; a throw becomes { type: 'error' }), closes on `close` (sending what
 * `beforeClose` returns, then exiting), and finally sends what `ready(platform)` returns (or resolves to).
 */
export async function servePlatformOverIpc({ dashboard, handlers, beforeClose = async () => ({}), ready }) {
  const { prepareDemoPlatform } = await import('../../dist/platform/index.js');
  const options = JSON.parse(process.argv[2] ?? '{}');
  const logger = {
    info: (message) => process.stderr.write(`[server] ${message}\n`),
    warn: (message) => process.stderr.write(`[server] warning: ${message}\n`),
    error: (message) => process.stderr.write(`[server] error: ${message}\n`),
    debug: () => {},
  };
  const platform = await prepareDemoPlatform({ ...options, port: 0, logger, dashboard });
  process.on('message', async (message) => {
    try {
      if (message.type === 'close') {
        const last = await beforeClose(platform);
        await platform.close();
        process.send({ type: 'closed', ...last });
        process.exit(0);
      }
      const handler = handlers[message.type];
      if (handler === undefined) throw new Error(`unknown message ${message.type}`);
      process.send(await handler(message, platform));
    } catch (error) {
      process.send({ type: 'error', message: error.message });
    }
  });
  process.send({ type: 'ready', ...(await ready(platform)) });
}

/** The number after `--name` on the command line, or `fallback`. */
export function flag(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
