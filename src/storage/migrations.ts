import { type Kysely, type Migration, type MigrationProvider, Migrator, PostgresAdapter } from 'kysely';
import { createActivityRollups } from './activity-rollups.js';
import type { Database } from './schema.js';

/**
 * The schema's history, oldest first. Never edit a shipped migration: add the
 * next one. Kysely's Migrator records applied names in `kysely_migration` and
 * holds a lock while migrating, so several servers opening one PostgreSQL
 * database at once migrate it once. Column types are ones both backends read
 * alike (`bigint` is SQLite's 64-bit integer; `double precision` its REAL).
 */
// Migrations see the database as it was then, not as `Database` is now.
// biome-ignore lint/suspicious/noExplicitAny: a migration's schema is untyped by design
type AnyDatabase = Kysely<any>;

const migrations: Record<string, Migration> = {
  '0001-initial': {
    async up(db: AnyDatabase) {
      await db.schema
        .createTable('items')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('author', 'text')
        .addColumn('caption', 'text')
        .addColumn('hashtags', 'text', (column) => column.notNull())
        .addColumn('duration_ms', 'double precision')
        .addColumn('upload_time', 'bigint')
        .addColumn('categories', 'text', (column) => column.notNull())
        .addColumn('tags', 'text', (column) => column.notNull())
        .addColumn('semantic_id', 'text')
        .addColumn('ai_generated', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('hidden', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('items_upload_time').on('items').columns(['upload_time', 'id']).execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('features', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('requests')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text', (column) => column.notNull())
        .addColumn('pipeline', 'text', (column) => column.notNull())
        .addColumn('experiment', 'text')
        .addColumn('time', 'bigint', (column) => column.notNull())
        .addColumn('item_count', 'integer', (column) => column.notNull())
        .addColumn('latency_ms', 'double precision')
        .addColumn('cpu_ms', 'double precision')
        .addColumn('stages', 'text')
        .execute();
      await db.schema.createIndex('requests_time').on('requests').columns(['time']).execute();

      await db.schema
        .createTable('impressions')
        .addColumn('request_id', 'text', (column) => column.notNull())
        .addColumn('position', 'integer', (column) => column.notNull())
        .addColumn('user_id', 'text', (column) => column.notNull())
        .addColumn('item_id', 'text', (column) => column.notNull())
        .addColumn('pipeline', 'text', (column) => column.notNull())
        .addColumn('experiment', 'text')
        .addColumn('time', 'bigint', (column) => column.notNull())
        .addColumn('score', 'double precision')
        .addPrimaryKeyConstraint('impressions_pk', ['request_id', 'position'])
        .execute();
      await db.schema
        .createIndex('impressions_user_time')
        .on('impressions')
        .columns(['user_id', 'time'])
        .execute();
      await db.schema.createIndex('impressions_time').on('impressions').columns(['time']).execute();

      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text', (column) => column.notNull())
        .addColumn('item_id', 'text', (column) => column.notNull())
        .addColumn('time', 'bigint', (column) => column.notNull())
        .addColumn('request_id', 'text')
        .addColumn('pipeline', 'text')
        .addColumn('position', 'integer')
        .addColumn('experiment', 'text')
        .addColumn('label', 'double precision')
        .addColumn('is_click', 'integer')
        .addColumn('is_like', 'integer')
        .addColumn('is_follow', 'integer')
        .addColumn('is_comment', 'integer')
        .addColumn('is_forward', 'integer')
        .addColumn('is_hate', 'integer')
        .addColumn('long_view', 'integer')
        .addColumn('is_profile_enter', 'integer')
        .addColumn('play_time_ms', 'double precision')
        .addColumn('duration_ms', 'double precision')
        .addColumn('profile_stay_time_ms', 'double precision')
        .addColumn('comment_stay_time_ms', 'double precision')
        .execute();
      await db.schema.createIndex('events_user_time').on('events').columns(['user_id', 'time']).execute();
      await db.schema.createIndex('events_time_id').on('events').columns(['time', 'id']).execute();
      await db.schema.createIndex('events_item_time').on('events').columns(['item_id', 'time']).execute();

      await db.schema
        .createTable('model_versions')
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('path', 'text', (column) => column.notNull())
        .addColumn('checksum', 'text', (column) => column.notNull())
        .addColumn('metrics', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('active', 'integer', (column) => column.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('model_versions_pk', ['name', 'version'])
        .execute();

      await db.schema
        .createTable('experiments')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('split', 'text', (column) => column.notNull())
        .addColumn('description', 'text')
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();
    },
  },
  '0002-events-item-time-play': {
    // Popular items (every feed service refresh) sum play time per item over a
    // time window: with play_time_ms in the index the scan never reads the
    // table (SQLite, 146k events: 94 -> 14 ms). Same prefix, so it replaces
    // events_item_time for every query that used it.
    async up(db: AnyDatabase) {
      await db.schema
        .createIndex('events_item_time_play')
        .on('events')
        .columns(['item_id', 'time', 'play_time_ms'])
        .execute();
      await db.schema.dropIndex('events_item_time').execute();
    },
  },
  '0003-dashboard-sessions': {
    // Dashboard logins in the store, so every server on it (processes of one
    // `genfeed serve --processes N`, or servers behind a balancer) opens them.
    async up(db: AnyDatabase) {
      await db.schema
        .createTable('dashboard_sessions')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('scopes', 'text', (column) => column.notNull())
        .addColumn('csrf_token', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('dashboard_sessions_expires_at')
        .on('dashboard_sessions')
        .columns(['expires_at'])
        .execute();
    },
  },
  '0004-window-covering-indexes': {
    // Every feed reads the user's no-repeat window (`feedContext`: the items
    // shown or acted on since a time): with item_id in the indexes the reads
    // never touch the tables (SQLite, ~600 items a user: 0.59 -> 0.35 ms of
    // CPU a read). Same prefixes, so they replace the old indexes for every
    // query that used them.
    async up(db: AnyDatabase) {
      await db.schema
        .createIndex('impressions_user_time_item')
        .on('impressions')
        .columns(['user_id', 'time', 'item_id'])
        .execute();
      await db.schema.dropIndex('impressions_user_time').execute();
      await db.schema
        .createIndex('events_user_time_item')
        .on('events')
        .columns(['user_id', 'time', 'item_id'])
        .execute();
      await db.schema.dropIndex('events_user_time').execute();
    },
  },
  '0005-model-files': {
    // The model registry in the store: a version's files as rows, so every
    // server on one database loads the same versions without a shared folder.
    // Each file is cut into chunks of a few MB (`MODEL_CHUNK_BYTES`), so a
    // large model is never one giant row or one giant buffer. Versions
    // recorded before keep their files at `path` (stored_files 0).
    async up(db: AnyDatabase) {
      await db.schema
        .alterTable('model_versions')
        .addColumn('stored_files', 'integer', (column) => column.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('model_versions')
        .addColumn('stored_bytes', 'bigint', (column) => column.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('model_files')
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('path', 'text', (column) => column.notNull())
        .addColumn('bytes', 'bigint', (column) => column.notNull())
        .addColumn('sha256', 'text', (column) => column.notNull())
        .addColumn('chunks', 'integer', (column) => column.notNull())
        .addPrimaryKeyConstraint('model_files_pk', ['name', 'version', 'path'])
        .execute();
      await db.schema
        .createTable('model_file_chunks')
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('path', 'text', (column) => column.notNull())
        .addColumn('chunk', 'integer', (column) => column.notNull())
        .addColumn('data', binaryType(db), (column) => column.notNull())
        .addPrimaryKeyConstraint('model_file_chunks_pk', ['name', 'version', 'path', 'chunk'])
        .execute();
    },
  },
  '0006-activity-rollups': {
    // The dashboard's overview and experiment report summed the raw log on
    // every refresh (1.7 s on the reader at 350k events, and the servers'
    // memory rose with the log: docs/soak.md). Rollups per (item, hour), per
    // (user, day) and per (day, experiment, pipeline, user), kept by triggers
    // in the writing transaction, filled from the log once here.
    up: createActivityRollups,
  },
};

/** The one column type the backends name differently: bytes (SQLite BLOB, PostgreSQL bytea). */
function binaryType(db: AnyDatabase): 'bytea' | 'blob' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
}

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** The names of the shipped migrations, oldest first. */
export const migrationNames: readonly string[] = Object.keys(migrations);

/**
 * Brings the database to the latest schema; returns the migrations applied now.
 * On PostgreSQL pass the schema the tables live in: Kysely looks for its own
 * tables in every schema otherwise, and would take another schema's for ours.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  options: { schema?: string } = {},
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider,
    ...(options.schema !== undefined && { migrationTableSchema: options.schema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot migrate the schema${failed ? ` (migration ${failed.migrationName})` : ''}: ${cause}`,
      {
        cause: error,
      },
    );
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
