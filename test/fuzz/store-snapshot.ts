import type { Store } from '../../src/storage/index.js';

/**
 * What the store holds, as far as a request could change it: the row counts,
 * every item, the users named by `userIds`, experiments and model versions.
 * Two snapshots are equal exactly when none of these changed.
 */
export interface StoreSnapshot {
  counts: unknown;
  items: string;
  users: string;
  experiments: string;
  models: string;
}

export async function storeSnapshot(store: Store, userIds: readonly string[]): Promise<StoreSnapshot> {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await store.listItems({ limit: 10_000, ...(cursor !== undefined && { cursor }) });
    items.push(...page.records);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return {
    counts: await store.counts(),
    items: JSON.stringify(items),
    users: JSON.stringify(await store.getUsers(userIds)),
    experiments: JSON.stringify(await store.listExperiments()),
    models: JSON.stringify(await store.listModelVersions()),
  };
}

/** The parts of the store that differ between two snapshots, by name. */
export function changedParts(before: StoreSnapshot, after: StoreSnapshot): string[] {
  return (Object.keys(before) as (keyof StoreSnapshot)[]).filter(
    (part) => JSON.stringify(before[part]) !== JSON.stringify(after[part]),
  );
}
