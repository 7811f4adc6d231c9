/** PostgreSQL's SQLSTATE for a transaction it aborted to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';

/**
 * Runs a write transaction again when PostgreSQL aborted it to break a
 * deadlock: the rollup triggers (activity-rollups.ts) update shared rows per
 * (item, hour) and per (user, day), so two servers' commits can lock two
 * such rows in opposite orders. The aborted attempt left nothing behind, so
 * running it again is safe; any other error, or the last attempt's, is thrown.
 */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || (error as { code?: unknown } | undefined)?.code !== DEADLOCK_DETECTED)
        throw error;
      // A few ms apart, so the two transactions do not meet again in the same order.
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8 * attempt));
    }
  }
}
