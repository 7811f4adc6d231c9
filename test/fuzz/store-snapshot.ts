import type { Store } from '../../src/storage/index.js';

/**
 * What the store holds, as far as a request could change it: the row counts
 * (anything added), the items and users a request names (anything replaced),
 * experiments and model versions. Two snapshots are equal exactly when none
 * of these changed.
 */
export interface StoreSnapshot {
  counts: unknown;
  items: string;
  users: string;
  experiments: string;
  models: string;
}

export async function storeSnapshot(store: Store, ids: readonly string[]): Promise<StoreSnapshot> {
  return {
    counts: await store.counts(),
    items: JSON.stringify(await store.getItems(ids)),
    users: JSON.stringify(await store.getUsers(ids)),
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
