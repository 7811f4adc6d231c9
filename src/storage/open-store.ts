import type { Logger } from '../core/index.js';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** Where a command or server keeps its data: a SQLite file (the default) or a PostgreSQL URL. */
export type StoreLocation = { sqlite: string } | { postgres: string };

/** The default SQLite file, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = 'genfeed.sqlite';

export async function openStore(location: StoreLocation, options: { logger?: Logger } = {}): Promise<Store> {
  if ('postgres' in location) {
    return openPostgresStore({
      connectionString: location.postgres,
      ...(options.logger && { logger: options.logger }),
    });
  }
  return openSqliteStore({ path: location.sqlite, ...(options.logger && { logger: options.logger }) });
}
