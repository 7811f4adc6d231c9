import type { StoreDatabase } from './schema.js';
import type { StoreCounts } from './store.js';

/** Row counts of the main tables. */
export async function tableCounts(db: StoreDatabase): Promise<StoreCounts> {
  const count = async (table: 'items' | 'users' | 'requests' | 'impressions' | 'events') => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  };
  return {
    items: await count('items'),
    users: await count('users'),
    requests: await count('requests'),
    impressions: await count('impressions'),
    events: await count('events'),
  };
}
