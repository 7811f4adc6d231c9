// An open-loop load at a steady rate: request i is due at start + i / rate
// seconds, whatever the server's answers are doing, and its latency counts from
// when it was due (so a server falling behind is charged for the wait:
// no coordinated omission). autocannon's `overallRate` instead resets a
// per-connection quota every second, so each second's requests leave as a
// burst at its start; both are reported by serve-bench.mjs.
import { Agent, request } from 'node:http';

/**
 * @param {{ url: string, path: () => string, headers: Record<string, string>,
 *   rate: number, seconds: number, sockets?: number }} options
 */
export async function pacedLoad({ url, path, headers, rate, seconds, sockets = 64 }) {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const total = Math.round(rate * seconds);
  const latencies = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  const done = new Promise((resolve) => {
    let finished = 0;
    const finish = (due, ok) => {
      latencies.push(performance.now() - due);
      if (!ok) errors++;
      if (++finished === total) resolve();
    };
    const fire = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now) {
        const due = start + (sent * 1000) / rate;
        sent++;
        const req = request({ hostname, port, path: path(), headers, agent }, (res) => {
          res.resume();
          res.on('end', () => finish(due, res.statusCode === 200));
        });
        req.on('error', () => finish(due, false));
        req.end();
      }
      if (sent < total) setTimeout(fire, Math.max(0, start + (sent * 1000) / rate - performance.now()));
    };
    fire();
  });
  await done;
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    requests: total,
    rps: total / elapsed,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: latencies[latencies.length - 1],
    errors,
  };
}
