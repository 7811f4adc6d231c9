import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/storage/index.js';
import { changedParts, storeSnapshot } from './store-snapshot.js';

describe('storeSnapshot', () => {
  it('sees a record added, and a named record replaced, and nothing else', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    await store.upsertItems([{ id: 'v1', caption: 'a' }]);
    const before = await storeSnapshot(store, ['v1']);
    expect(changedParts(before, await storeSnapshot(store, ['v1']))).toEqual([]);
    await store.upsertItems([{ id: 'v1', caption: 'b' }]);
    expect(changedParts(before, await storeSnapshot(store, ['v1']))).toEqual(['items']);
    await store.upsertUsers([{ id: 'u1', features: {} }]);
    expect(changedParts(before, await storeSnapshot(store, ['v1', 'u1']))).toEqual([
      'counts',
      'items',
      'users',
    ]);
    await store.close();
  });
});
