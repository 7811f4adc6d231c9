// A fixed-rate open loop: request i is due at start + i / rate seconds whatever
// the answers are doing, and its latency counts from when it was due, so a
// server falling behind is charged for the wait (no coordinated omission; the
// same clock as bench/serve/paced-load.mjs, for any mix of requests).

/**
 * @param {{ rate: number, seconds: number,
 *   send: (index: number) => Promise<{ kind: string, ok: boolean, error?: string }> }} options
 * @returns {Promise<{ sent: number, seconds: number,
 *   results: Array<{ kind: string, ok: boolean, error?: string, dueMs: number, latencyMs: number }> }>}
 *   dueMs: when the request was due, from the start.
 */
export async function openLoop({ rate, seconds, send }) {
  const total = Math.round(rate * seconds);
  const results = [];
  const start = performance.now();
  const dueAt = (index) => start + (index * 1000) / rate;
  let sent = 0;
  await new Promise((resolve) => {
    let finished = 0;
    const finish = (due, outcome) => {
      results.push({ ...outcome, dueMs: due - start, latencyMs: performance.now() - due });
      if (++finished === total) resolve();
    };
    const fire = () => {
      const now = performance.now();
      while (sent < total && dueAt(sent) <= now) {
        const due = dueAt(sent);
        send(sent++).then(
          (outcome) => finish(due, outcome),
          (error) => finish(due, { kind: 'unknown', ok: false, error: String(error?.message ?? error) }),
        );
      }
      if (sent < total) setTimeout(fire, Math.max(0, dueAt(sent) - performance.now()));
    };
    if (total === 0) resolve();
    else fire();
  });
  return { sent, seconds: (performance.now() - start) / 1000, results };
}
