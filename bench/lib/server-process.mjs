// The server of a load bench in its own process (so the load generator cannot
// starve its event loop), driven over IPC: `next()` waits for its next message,
// `ask(message)` sends one and waits for the answer ({ type: 'error' } throws).
import { fork } from 'node:child_process';

export function serverProcess(script, options) {
  const child = fork(script, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
