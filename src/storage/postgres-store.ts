import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { type Logger, silentLogger } from '../core/index.js';
import { advisoryClaimTransaction } from './advisory-user-locks.js';
import { migrateToLatest } from './migrations.js';
import { PostgresModelActivations } from './postgres-model-activations.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './store.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

export interface PostgresStoreOptions {
  /** `postgresql://user:password@host:port/database`. */
  connectionString: string;
  /** A schema of its own (lower-case letters, digits, `_`; created if missing) instead of `public`: several stores in one database. */
  schema?: string;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  /** Receives errors of idle pooled connections (a restarted server, a dropped link). */
  logger?: Logger;
  now?: () => number;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * node-postgres returns 64-bit integers and numerics as strings (they may not
 * fit a double). Times in ms and counts fit easily, so this store reads them
 * as numbers; the parsers are per pool, so other users of `pg` are untouched.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * The production backend: a PostgreSQL database shared by any number of
 * servers, migrated to the latest schema on open (under Kysely's migration
 * lock). Commits are durable with PostgreSQL's default `synchronous_commit = on`.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
    throw new RangeError(
      `schema must be a lower-case SQL name (a-z, 0-9, _), got ${JSON.stringify(options.schema)}`,
    );
  }
  const location = redactPassword(options.connectionString);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    types: types as pg.CustomTypesConfig,
    ...(options.schema !== undefined && { options: `-c search_path=${options.schema}` }),
  });
  pool.on('error', (error) =>
    logger.warn(`PostgreSQL ${location}: idle connection failed: ${error.message}`),
  );
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new StoreUnavailableError(
      `Cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  try {
    if (options.schema !== undefined) {
      // `if not exists` still races between servers opening at once: serialise on a lock.
      const schema = options.schema;
      await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${`genfeed schema ${schema}`}))`.execute(trx);
        await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
      });
    }
    await migrateToLatest(db, { schema: options.schema ?? 'public' });
  } catch (error) {
    await db.destroy();
    throw new StoreUnavailableError(`Cannot prepare PostgreSQL at ${location}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return new SqlStore({
    db,
    backend: 'postgres',
    location,
    claimTransaction: advisoryClaimTransaction,
    modelActivations: new PostgresModelActivations({
      connectionString: options.connectionString,
      schema: options.schema ?? 'public',
      location,
      logger,
    }),
    ...(options.now && { now: options.now }),
  });
}

/** The URL as safe to print: the password replaced by `***`. */
export function redactPassword(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable PostgreSQL URL)';
  }
}
