import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.js';

/** Where a store under test keeps its tables, as a second connection reaches them. */
export type StoreTables = { sqlite: string } | { postgres: string; schema: string };

export interface ChunkOfModel {
  name: string;
  version: number;
  path: string;
  chunk: number;
}

/**
 * Damages what a store wrote, through a connection of its own (a store never
 * hands its own out): `flip` inverts one byte in the middle of a chunk,
 * `drop` deletes the chunk's row. What a disk, a bad restore or a careless
 * operator can do, for tests that the reader refuses it.
 */
export async function damageModelChunk(
  tables: StoreTables,
  target: ChunkOfModel,
  how: 'flip' | 'drop',
): Promise<void> {
  const db = new Kysely<Database>({
    dialect:
      'sqlite' in tables
        ? new SqliteDialect({ database: new BetterSqlite3(tables.sqlite) })
        : new PostgresDialect({
            pool: new pg.Pool({
              connectionString: tables.postgres,
              max: 1,
              options: `-c search_path=${tables.schema}`,
            }),
          }),
  });
  try {
    const row = await db
      .selectFrom('model_file_chunks')
      .select('data')
      .where('name', '=', target.name)
      .where('version', '=', target.version)
      .where('path', '=', target.path)
      .where('chunk', '=', target.chunk)
      .executeTakeFirstOrThrow();
    if (how === 'drop') {
      await db
        .deleteFrom('model_file_chunks')
        .where('name', '=', target.name)
        .where('version', '=', target.version)
        .where('path', '=', target.path)
        .where('chunk', '=', target.chunk)
        .execute();
      return;
    }
    const data = Buffer.from(row.data);
    const middle = Math.floor(data.length / 2);
    data[middle] = data[middle]! ^ 0xff;
    await db
      .updateTable('model_file_chunks')
      .set({ data })
      .where('name', '=', target.name)
      .where('version', '=', target.version)
      .where('path', '=', target.path)
      .where('chunk', '=', target.chunk)
      .execute();
  } finally {
    await db.destroy();
  }
}
