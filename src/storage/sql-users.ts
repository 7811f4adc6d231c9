import type { UserInput, UserRecord } from './records.js';
import { RecordsById } from './records-by-id.js';
import { userRecord, userRow } from './row-mapping.js';
import type { SqlContext } from './sql-context.js';

/** Users and their features, by id. */
export function sqlUsers(context: SqlContext): RecordsById<'users', UserInput, UserRecord> {
  return new RecordsById(context, {
    table: 'users',
    row: userRow,
    record: userRecord,
    select: (db, ids) => db.selectFrom('users').selectAll().where('id', 'in', ids).execute(),
  });
}
