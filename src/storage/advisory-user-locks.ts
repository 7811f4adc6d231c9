import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * Takes one PostgreSQL transaction-level advisory lock per user (held until
 * commit or rollback), so claims of the same user from any server of the
 * database run one after the other. The keys are 64-bit hashes taken in
 * ascending order: two transactions locking overlapping users wait for each
 * other instead of deadlocking, even when two users share a key.
 */
export async function lockUsersForClaims(
  trx: Transaction<Database>,
  userIds: readonly string[],
): Promise<void> {
  if (userIds.length === 0) return;
  const keys = [...new Set(userIds.map(claimLockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // unnest yields the array in order, and each row's lock is taken as it is produced.
  await sql`select pg_advisory_xact_lock(key) from unnest(${keys.map(String)}::bigint[]) as key`.execute(trx);
}

function claimLockKey(userId: string): bigint {
  return createHash('sha256').update(`genfeed feed claim\0${userId}`).digest().readBigInt64BE(0);
}
