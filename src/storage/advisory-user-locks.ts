import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ClaimTransaction } from './sql-feeds.js';

/**
 * A PostgreSQL transaction holding one advisory lock per user until it ends,
 * so claims of the same user from any server of the database run one after
 * the other. `begin` and the locks go out as one query (the keys are integers
 * made here, so they are inlined without quoting, and the simple protocol
 * runs the statements in order): a claim costs one round trip more than a
 * plain feed log, the read of the window, which starts after the locks and so
 * sees every claim committed before. Keys are 64-bit hashes taken in
 * ascending order: transactions locking overlapping users wait for each other
 * instead of deadlocking, even when two users share a key.
 */
export const advisoryClaimTransaction: ClaimTransaction = (db, userIds, body) =>
  db.connection().execute(async (connection) => {
    const keys = [...new Set(userIds.map(claimLockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const locks = keys.map((key) => `select pg_advisory_xact_lock(${key});`).join(' ');
    try {
      await sql.raw(`begin; ${locks}`).execute(connection);
      const result = await body(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });

function claimLockKey(userId: string): bigint {
  return createHash('sha256').update(`genfeed feed claim\0${userId}`).digest().readBigInt64BE(0);
}
