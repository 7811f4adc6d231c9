import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConflictError, InvalidInputError, NotFoundError, Random } from '../../core/index.js';
import { CorruptModelFileError } from '../corrupt-model-file-error.js';
import type { EventInput, FeedInput, ItemInput, ModelActivation, ModelFileInput } from '../records.js';
import { MODEL_CHUNK_BYTES } from '../sql-model-files.js';
import type { Store } from '../store.js';
import { damageModelChunk, type StoreTables } from './model-chunk-damage.js';

/** One store under test: its data can be reopened after `close`, and disposed of at the end. */
export interface StoreUnderTest {
  store: Store;
  /** Opens the same data again (after `store.close()`), as a restarted server would. */
  reopen(): Promise<Store>;
  /** Its tables, for a second connection that damages what the store wrote. */
  tables: StoreTables;
  dispose(): Promise<void>;
}

/** A file of `bytes`, handed to the store in pieces of `piece` bytes. */
function modelFile(path: string, bytes: Uint8Array, piece = 1 << 20): ModelFileInput {
  return {
    path,
    async *read() {
      for (let offset = 0; offset < bytes.length; offset += piece)
        yield bytes.subarray(offset, offset + piece);
    },
  };
}

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export type StoreFactory = (options: { now?: () => number }) => Promise<StoreUnderTest>;

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);

/**
 * The behaviour every Store must have, run against each backend (gorse runs
 * one suite against all its databases the same way). `describe.skip` with a
 * reason when the backend is not available here.
 */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    const opened: StoreUnderTest[] = [];
    const open = async (options: { now?: () => number } = {}) => {
      const underTest = await factory(options);
      opened.push(underTest);
      return underTest;
    };
    const fresh = async (options: { now?: () => number } = {}) => (await open(options)).store;
    afterEach(async () => {
      for (const underTest of opened.splice(0)) await underTest.dispose();
    });

    describe('items', () => {
      it('keeps every field, returns items in the order asked and skips unknown ids', async () => {
        const store = await fresh({ now: () => 1234 });
        const full: ItemInput = {
          id: 'v1',
          author: 'a9',
          caption: '今天的晚霞 "quoted" \u{1F305}',
          hashtags: ['晚霞', 'sky'],
          durationMs: 15_300.5,
          uploadTime: T0,
          categories: ['Nature', 'Sky'],
          tags: ['sunset'],
          semanticId: [12, 255, 0, 3],
          aiGenerated: true,
          hidden: true,
        };
        await store.upsertItems([full, { id: 'v2' }]);
        const items = await store.getItems(['v2', 'missing', 'v1']);
        expect(items.map((item) => item.id)).toEqual(['v2', 'v1']);
        expect(items[1]).toEqual({ ...full, updatedAt: 1234 });
        expect(items[0]).toEqual({
          id: 'v2',
          hashtags: [],
          categories: [],
          tags: [],
          aiGenerated: false,
          hidden: false,
          updatedAt: 1234,
        });
        expect(await store.getItem('missing')).toBeUndefined();
      });

      it('upserts by id: writing again replaces the item and adds no row', async () => {
        const store = await fresh();
        await store.upsertItems([{ id: 'v1', caption: 'old', tags: ['x'] }, { id: 'v2' }]);
        await store.upsertItems([{ id: 'v1', caption: 'new' }]);
        await store.upsertItems([{ id: 'v1', caption: 'new' }]);
        expect(await store.getItem('v1')).toMatchObject({ caption: 'new', tags: [] });
        expect((await store.counts()).items).toBe(2);
      });

      it('keeps the last of repeated ids within one batch', async () => {
        const store = await fresh();
        await store.upsertItems([
          { id: 'v1', caption: 'first' },
          { id: 'v1', caption: 'second' },
        ]);
        expect(await store.getItem('v1')).toMatchObject({ caption: 'second' });
      });

      it('pages through the catalogue by id, each item exactly once', async () => {
        const store = await fresh();
        const ids = Array.from({ length: 25 }, (_, index) => `item-${String(index).padStart(2, '0')}`);
        await store.upsertItems(ids.map((id) => ({ id })));
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listItems({ limit: 10, ...(cursor && { cursor }) });
          seen.push(...page.records.map((item) => item.id));
          cursor = page.cursor;
          pages++;
        } while (cursor !== undefined);
        expect(seen).toEqual(ids);
        expect(pages).toBe(3);
      });

      it('filters by hidden and upload time, and lists the newest first (no upload time last)', async () => {
        const store = await fresh();
        await store.upsertItems([
          { id: 'old', uploadTime: T0 },
          { id: 'new', uploadTime: T0 + 2 * DAY },
          { id: 'mid-b', uploadTime: T0 + DAY },
          { id: 'mid-a', uploadTime: T0 + DAY },
          { id: 'undated' },
          { id: 'gone', uploadTime: T0 + 3 * DAY, hidden: true },
        ]);
        const visible = await store.listItems({ hidden: false });
        expect(visible.records.map((item) => item.id)).toEqual(['mid-a', 'mid-b', 'new', 'old', 'undated']);
        expect((await store.listItems({ hidden: true })).records.map((item) => item.id)).toEqual(['gone']);
        const recent = await store.listItems({ uploadedAfter: T0, hidden: false });
        expect(recent.records.map((item) => item.id)).toEqual(['mid-a', 'mid-b', 'new']);

        const newest: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listItems({
            order: 'newest',
            hidden: false,
            limit: 2,
            ...(cursor && { cursor }),
          });
          newest.push(...page.records.map((item) => item.id));
          cursor = page.cursor;
        } while (cursor !== undefined);
        expect(newest).toEqual(['new', 'mid-a', 'mid-b', 'old', 'undated']);
      });

      it('hides items and sets semantic IDs, counting only existing items', async () => {
        const store = await fresh();
        await store.upsertItems([{ id: 'v1' }, { id: 'v2' }]);
        expect(await store.setItemsHidden(['v1', 'nope'], true)).toBe(1);
        expect(await store.getItem('v1')).toMatchObject({ hidden: true });
        const codes = new Map([
          ['v1', [1, 2, 3]],
          ['v2', [4, 5, 6]],
          ['nope', [7, 8, 9]],
        ]);
        expect(await store.setSemanticIds(codes)).toBe(2);
        expect((await store.getItem('v2'))?.semanticId).toEqual([4, 5, 6]);
      });

      it('rejects a bad page cursor and a bad limit, naming them', async () => {
        const store = await fresh();
        await expect(store.listItems({ cursor: 'not-a-cursor' })).rejects.toThrow(InvalidInputError);
        await expect(store.listItems({ cursor: 'not-a-cursor' })).rejects.toThrow(
          /Invalid page cursor "not-a-cursor"/,
        );
        await expect(store.listItems({ limit: 0 })).rejects.toThrow(
          /limit must be an integer from 1 to 10000, got 0/,
        );
      });
    });

    describe('users', () => {
      it('upserts users by id with their features', async () => {
        const store = await fresh({ now: () => 77 });
        await store.upsertUsers([{ id: 'u1', features: { degree: 'high_active', fans: 12 } }, { id: 'u2' }]);
        await store.upsertUsers([{ id: 'u1', features: { degree: 'full_active', fans: 13 } }]);
        expect(await store.getUsers(['u2', 'u1', 'u3'])).toEqual([
          { id: 'u2', features: {}, updatedAt: 77 },
          { id: 'u1', features: { degree: 'full_active', fans: 13 }, updatedAt: 77 },
        ]);
        expect(await store.getUser('u3')).toBeUndefined();
        expect((await store.counts()).users).toBe(2);
      });
    });

    describe('events', () => {
      it('keeps all 12 signals, the label and the feed it came from', async () => {
        const store = await fresh();
        const event: EventInput = {
          id: 'e1',
          userId: 'u1',
          itemId: 'v1',
          time: T0 + 0.4,
          requestId: 'r1',
          pipeline: 'generative',
          position: 3,
          experiment: 'ab1',
          label: 2.5,
          signals: {
            click: 1,
            like: 1,
            follow: 0,
            comment: 1,
            forward: 0,
            hate: 0,
            longView: 1,
            profileEnter: 1,
            playTimeMs: 40_001,
            durationMs: 19_957,
            profileStayTimeMs: 5300,
            commentStayTimeMs: 12_000,
          },
        };
        await store.upsertEvents([event, { id: 'e2', userId: 'u1', itemId: 'v2', time: T0 + 1 }]);
        const events = await store.userEvents('u1');
        expect(events).toEqual([
          { id: 'e2', userId: 'u1', itemId: 'v2', time: T0 + 1, signals: {} },
          { ...event, time: T0 },
        ]);
      });

      it('is idempotent by id: sending an event again replaces it', async () => {
        const store = await fresh();
        const event = { id: 'e1', userId: 'u1', itemId: 'v1', time: T0, signals: { click: 0 } };
        await store.upsertEvents([event]);
        await store.upsertEvents([{ ...event, signals: { click: 1, playTimeMs: 900 } }]);
        await store.upsertEvents([{ ...event, signals: { click: 1, playTimeMs: 900 } }]);
        expect((await store.counts()).events).toBe(1);
        expect((await store.userEvents('u1'))[0]?.signals).toEqual({ click: 1, playTimeMs: 900 });
      });

      it('adds bare users and items for unknown ids on request, leaving known ones as they are', async () => {
        const store = await fresh();
        await store.upsertItems([{ id: 'v1', caption: 'kept' }]);
        await store.upsertUsers([{ id: 'u1', features: { age: 3 } }]);
        await store.upsertEvents(
          [
            { id: 'e1', userId: 'u1', itemId: 'v1', time: T0 },
            { id: 'e2', userId: 'u2', itemId: 'v2', time: T0 },
          ],
          { createMissing: true },
        );
        expect(await store.getItem('v1')).toMatchObject({ caption: 'kept' });
        expect(await store.getUser('u1')).toMatchObject({ features: { age: 3 } });
        expect(await store.getItem('v2')).toMatchObject({ id: 'v2', hidden: false });
        expect(await store.getUser('u2')).toMatchObject({ id: 'u2', features: {} });
        await store.upsertEvents([{ id: 'e3', userId: 'u3', itemId: 'v3', time: T0 }]);
        expect(await store.getUser('u3')).toBeUndefined();
      });

      it('returns a user history newest first, limited and paged back by time', async () => {
        const store = await fresh();
        await store.upsertEvents(
          Array.from({ length: 10 }, (_, index) => ({
            id: `e${index}`,
            userId: index % 2 === 0 ? 'u1' : 'u2',
            itemId: `v${index}`,
            time: T0 + index * 1000,
          })),
        );
        const recent = await store.userEvents('u1', { limit: 3 });
        expect(recent.map((event) => event.id)).toEqual(['e8', 'e6', 'e4']);
        const older = await store.userEvents('u1', { before: T0 + 4000 });
        expect(older.map((event) => event.id)).toEqual(['e2', 'e0']);
        expect(await store.userEvents('nobody')).toEqual([]);
      });

      it('writes a batch of many statements in one transaction: all of it or nothing', async () => {
        const store = await fresh();
        const events: EventInput[] = Array.from({ length: 5000 }, (_, index) => ({
          id: `e${index}`,
          userId: `u${index % 50}`,
          itemId: `v${index % 300}`,
          time: T0 + index,
          signals: { click: index % 2, playTimeMs: index },
        }));
        await store.upsertEvents(events);
        expect((await store.counts()).events).toBe(5000);

        const broken = events.map((event) => ({ ...event, id: `b${event.id}` }));
        broken[4999] = { ...broken[4999]!, userId: null as unknown as string };
        await expect(store.upsertEvents(broken)).rejects.toThrow();
        expect((await store.counts()).events).toBe(5000);
      });

      it('exports events in (time, id) order, page after page, within a window', async () => {
        const store = await fresh();
        // Equal times across page boundaries: the cursor must order by id within a time.
        const events: EventInput[] = Array.from({ length: 23 }, (_, index) => ({
          id: `e${String(22 - index).padStart(2, '0')}`,
          userId: 'u1',
          itemId: 'v1',
          time: T0 + Math.floor(index / 5) * 1000,
        }));
        await store.upsertEvents(events);
        const expected = [...events]
          .sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1))
          .map((event) => event.id);
        const paged: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.exportEvents({ limit: 4, ...(cursor && { cursor }) });
          paged.push(...page.records.map((event) => event.id));
          cursor = page.cursor;
        } while (cursor !== undefined);
        expect(paged).toEqual(expected);

        const streamed: string[] = [];
        for await (const event of store.streamEvents({ limit: 3, since: T0 + 1000, until: T0 + 3000 })) {
          streamed.push(event.id);
        }
        expect(streamed).toEqual(expected.slice(5, 15));
      });
    });

    describe('feeds and impressions', () => {
      it('records feeds once per request id and returns impressions newest first', async () => {
        const store = await fresh();
        const feed = {
          requestId: 'r1',
          userId: 'u1',
          pipeline: 'cascade',
          experiment: 'ab1',
          time: T0,
          items: [{ itemId: 'v1', score: 0.9 }, { itemId: 'v2' }],
          latencyMs: 12.5,
          cpuMs: 8,
          stages: { recall: { latencyMs: 4, cpuMs: 3 } },
        };
        await store.insertFeeds([feed]);
        await store.insertFeeds([feed]);
        await store.insertFeeds([{ ...feed, requestId: 'r2', time: T0 + 5, items: [{ itemId: 'v3' }] }]);
        expect(await store.counts()).toMatchObject({ requests: 2, impressions: 3 });
        const impressions = await store.userImpressions('u1');
        expect(impressions.map((impression) => impression.itemId)).toEqual(['v3', 'v1', 'v2']);
        expect(impressions[1]).toEqual({
          requestId: 'r1',
          position: 0,
          userId: 'u1',
          itemId: 'v1',
          pipeline: 'cascade',
          experiment: 'ab1',
          time: T0,
          score: 0.9,
        });
        expect(await store.userImpressions('u1', { limit: 1 })).toHaveLength(1);
        expect(await store.getFeed('r1')).toEqual(feed);
        expect(await store.getFeed('r2')).toEqual({
          requestId: 'r2',
          userId: 'u1',
          pipeline: 'cascade',
          experiment: 'ab1',
          time: T0 + 5,
          items: [{ itemId: 'v3' }],
          latencyMs: 12.5,
          cpuMs: 8,
          stages: { recall: { latencyMs: 4, cpuMs: 3 } },
        });
        expect(await store.getFeed('nope')).toBeUndefined();
      });

      it('lists the items a user was shown or acted on within a window, once each', async () => {
        const store = await fresh();
        await store.insertFeeds([
          { requestId: 'r1', userId: 'u1', pipeline: 'cascade', time: T0, items: [{ itemId: 'old' }] },
          {
            requestId: 'r2',
            userId: 'u1',
            pipeline: 'cascade',
            time: T0 + DAY,
            items: [{ itemId: 'v1' }, { itemId: 'v2' }],
          },
          {
            requestId: 'r3',
            userId: 'u2',
            pipeline: 'cascade',
            time: T0 + DAY,
            items: [{ itemId: 'other' }],
          },
        ]);
        await store.upsertEvents([
          { id: 'e1', userId: 'u1', itemId: 'v2', time: T0 + DAY },
          { id: 'e2', userId: 'u1', itemId: 'v9', time: T0 + DAY + 1 },
        ]);
        expect(await store.shownItems('u1', T0 + DAY)).toEqual(['v1', 'v2', 'v9']);
        expect(await store.shownItems('u1', T0)).toEqual(['old', 'v1', 'v2', 'v9']);
        expect(await store.shownItems('u3', T0)).toEqual([]);
      });

      it("reads a feed request's context: newest events' items and the no-repeat set, in one call", async () => {
        const store = await fresh();
        await store.insertFeeds([
          { requestId: 'r1', userId: 'u1', pipeline: 'cascade', time: T0, items: [{ itemId: 'old' }] },
          { requestId: 'r2', userId: 'u1', pipeline: 'cascade', time: T0 + DAY, items: [{ itemId: 'v1' }] },
        ]);
        await store.upsertEvents([
          { id: 'e1', userId: 'u1', itemId: 'v2', time: T0 + DAY },
          { id: 'e2', userId: 'u1', itemId: 'v9', time: T0 + DAY + 1 },
          { id: 'e3', userId: 'u1', itemId: 'v2', time: T0 + DAY + 2 },
          { id: 'e0', userId: 'u1', itemId: 'v0', time: T0 - DAY },
          { id: 'x1', userId: 'u2', itemId: 'other', time: T0 + DAY },
        ]);
        expect(await store.feedContext('u1', { historyLength: 3, since: T0 + DAY })).toEqual({
          history: ['v2', 'v9', 'v2'],
          shown: ['v1', 'v2', 'v9'],
        });
        expect(await store.feedContext('u1', { historyLength: 10, since: T0 })).toEqual({
          history: ['v2', 'v9', 'v2', 'v0'],
          shown: ['old', 'v1', 'v2', 'v9'],
        });
        // The same answers as the separate reads it replaces.
        const context = await store.feedContext('u1', { historyLength: 2, since: T0 });
        expect(context.history).toEqual(
          (await store.userEvents('u1', { limit: 2 })).map((event) => event.itemId),
        );
        expect(context.shown).toEqual(await store.shownItems('u1', T0));
        expect(await store.feedContext('nobody', { historyLength: 5, since: T0 })).toEqual({
          history: [],
          shown: [],
        });
        await expect(store.feedContext('u1', { historyLength: 0, since: T0 })).rejects.toThrow(
          /historyLength must be/,
        );
      });
    });

    describe('feed claims', () => {
      const feed = (requestId: string, items: readonly string[], time = T0 + DAY, userId = 'u1') => ({
        requestId,
        userId,
        pipeline: 'cascade',
        time,
        items: items.map((itemId) => ({ itemId })),
      });

      it('records a feed that repeats nothing in the window, refuses one that does and names what was shown', async () => {
        const store = await fresh();
        await store.insertFeeds([feed('old', ['v1'], T0), feed('other-user', ['v2'], T0 + DAY, 'u2')]);
        await store.upsertEvents([{ id: 'e1', userId: 'u1', itemId: 'v3', time: T0 + DAY }]);
        const since = T0 + DAY;
        // v1 was shown before the window, v2 to someone else, v3 only acted on: none of them blocks.
        expect(await store.claimFeed(feed('r1', ['v1', 'v2', 'v3']), { since })).toEqual({ recorded: true });
        expect(await store.claimFeed(feed('r2', ['v4', 'v2']), { since })).toEqual({
          recorded: false,
          shown: ['v1', 'v2', 'v3'],
        });
        expect(await store.getFeed('r2')).toBeUndefined();
        expect(await store.getFeed('r1')).toMatchObject({
          items: [{ itemId: 'v1' }, { itemId: 'v2' }, { itemId: 'v3' }],
        });
        // Claiming a recorded feed again is no repeat: it is the same feed.
        expect(await store.claimFeed(feed('r1', ['v1', 'v2', 'v3']), { since })).toEqual({ recorded: true });
        expect(await store.claimFeed(feed('r3', ['v4']), { since })).toEqual({ recorded: true });
        expect(await store.counts()).toMatchObject({ requests: 4, impressions: 6 });
        await expect(store.claimFeed(feed('r4', ['v5']), { since: Number.NaN })).rejects.toThrow(
          /since must be/,
        );
      });

      it('lets exactly one of many concurrent claims show an item, across two connections to the data', async () => {
        const underTest = await open();
        const second = await underTest.reopen();
        const stores = [underTest.store, second];
        const since = T0;
        // Claims 0-29 overlap their neighbours (v_i, v_i+1); claims 30-49 all want the same two items.
        const claims = Array.from({ length: 50 }, (_, i) =>
          feed(`c${i}`, i < 30 ? [`v${i}`, `v${i + 1}`] : ['shared-a', 'shared-b']),
        );
        const answers = await Promise.all(
          claims.map((claim, i) => stores[i % stores.length]!.claimFeed(claim, { since })),
        );
        const recorded = claims.filter((_, i) => answers[i]!.recorded);
        const shownItems = recorded.flatMap((claim) => claim.items.map((item) => item.itemId));
        expect(new Set(shownItems).size).toBe(shownItems.length);
        expect(recorded.filter((claim) => claim.items[0]!.itemId === 'shared-a')).toHaveLength(1);
        // Of 30 chained claims at least every other one fits.
        expect(recorded.length).toBeGreaterThanOrEqual(1 + 15);
        for (const [i, answer] of answers.entries()) {
          if (answer.recorded) continue;
          // A refused claim names an item it wanted that was shown.
          const wanted = claims[i]!.items.map((item) => item.itemId);
          expect(wanted.some((item) => answer.shown.includes(item))).toBe(true);
        }
        const impressions = await underTest.store.userImpressions('u1', { limit: 1000 });
        expect(impressions.map((impression) => impression.itemId).sort()).toEqual([...shownItems].sort());
      });
    });

    describe('popular items', () => {
      it('counts events per visible item in a window, most first, ties by id', async () => {
        const store = await fresh();
        await store.upsertItems([{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'hidden', hidden: true }]);
        const events: EventInput[] = [];
        const add = (itemId: string, count: number, time: number) => {
          for (let index = 0; index < count; index++) {
            events.push({
              id: `${itemId}-${time}-${index}`,
              userId: `u${index}`,
              itemId,
              time,
              signals: { playTimeMs: 100 },
            });
          }
        };
        add('a', 2, T0 + DAY);
        add('b', 3, T0 + DAY);
        add('c', 3, T0 + DAY);
        add('hidden', 9, T0 + DAY);
        add('a', 5, T0);
        await store.upsertEvents(events);
        expect(await store.popularItems({ since: T0 + DAY })).toEqual([
          { itemId: 'b', events: 3, playTimeMs: 300 },
          { itemId: 'c', events: 3, playTimeMs: 300 },
          { itemId: 'a', events: 2, playTimeMs: 200 },
        ]);
        expect((await store.popularItems({ since: T0, until: T0 + DAY, limit: 1 }))[0]).toEqual({
          itemId: 'a',
          events: 5,
          playTimeMs: 500,
        });
      });
    });

    describe('experiment reports', () => {
      it('sums requests, cost, events, watch time and signals per pipeline and per user', async () => {
        const store = await fresh();
        const feed = (requestId: string, userId: string, pipeline: string, time: number, cpuMs: number) => ({
          requestId,
          userId,
          pipeline,
          experiment: 'ab1',
          time,
          items: [{ itemId: 'v1' }, { itemId: 'v2' }],
          latencyMs: 10,
          cpuMs,
        });
        await store.insertFeeds([
          feed('r1', 'u1', 'generative', T0, 1),
          feed('r2', 'u1', 'generative', T0 + DAY, 2),
          feed('r3', 'u2', 'cascade', T0, 10),
          { ...feed('r4', 'u3', 'cascade', T0, 10), experiment: 'other' },
        ]);
        const event = (id: string, userId: string, pipeline: string, time: number, click: number) => ({
          id,
          userId,
          itemId: 'v1',
          time,
          pipeline,
          experiment: 'ab1',
          signals: { click, like: 1, playTimeMs: 1000 },
        });
        await store.upsertEvents([
          event('e1', 'u1', 'generative', T0, 1),
          event('e2', 'u1', 'generative', T0 + DAY, 0),
          event('e3', 'u2', 'cascade', T0, 1),
          { id: 'e4', userId: 'u2', itemId: 'v1', time: T0 },
        ]);
        const stats = await store.pipelineStats({ experiment: 'ab1' });
        const signals = {
          click: 0,
          like: 0,
          follow: 0,
          comment: 0,
          forward: 0,
          hate: 0,
          longView: 0,
          profileEnter: 0,
        };
        expect(stats).toEqual([
          {
            pipeline: 'cascade',
            requests: 1,
            impressions: 2,
            users: 1,
            latencyMs: 10,
            cpuMs: 10,
            events: 1,
            playTimeMs: 1000,
            signals: { ...signals, click: 1, like: 1 },
          },
          {
            pipeline: 'generative',
            requests: 2,
            impressions: 4,
            users: 1,
            latencyMs: 20,
            cpuMs: 3,
            events: 2,
            playTimeMs: 2000,
            signals: { ...signals, click: 1, like: 2 },
          },
        ]);
        const firstDay = await store.pipelineStats({ experiment: 'ab1', since: T0, until: T0 + DAY });
        expect(firstDay.find((row) => row.pipeline === 'generative')).toMatchObject({
          requests: 1,
          events: 1,
        });
        expect((await store.pipelineStats()).find((row) => row.pipeline === 'cascade')).toMatchObject({
          requests: 2,
          users: 2,
        });

        const perUser = await store.pipelineUserStats({ experiment: 'ab1' });
        expect(perUser).toEqual([
          {
            pipeline: 'cascade',
            userId: 'u2',
            requests: 1,
            events: 1,
            playTimeMs: 1000,
            activeDays: 1,
            signals: { ...signals, click: 1, like: 1 },
          },
          {
            pipeline: 'generative',
            userId: 'u1',
            requests: 2,
            events: 2,
            playTimeMs: 2000,
            activeDays: 2,
            signals: { ...signals, click: 1, like: 2 },
          },
        ]);
        expect(await store.pipelineStats({ since: T0 + 10 * DAY })).toEqual([]);
      });
    });

    describe('activity aggregates (the dashboard overview)', () => {
      it('sums events per (item, time bucket) and per UTC hour, counts distinct users per UTC day, inside the window only', async () => {
        const store = await fresh();
        const HOUR = 3_600_000;
        await store.upsertEvents([
          { id: 'a1', userId: 'u1', itemId: 'v1', time: T0 + 5, signals: { click: 1, playTimeMs: 100 } },
          { id: 'a2', userId: 'u2', itemId: 'v1', time: T0 + HOUR - 1, signals: { like: 1, playTimeMs: 50 } },
          { id: 'a3', userId: 'u1', itemId: 'v1', time: T0 + HOUR, signals: { click: 1, longView: 1 } },
          { id: 'a4', userId: 'u1', itemId: 'v2', time: T0 + 30, signals: { click: 0 } },
          {
            id: 'a5',
            userId: 'u3',
            itemId: 'v2',
            time: T0 + DAY + 7 * HOUR,
            signals: { hate: 1, playTimeMs: 10 },
          },
          { id: 'a6', userId: 'u3', itemId: 'v2', time: T0 + 2 * DAY, signals: { click: 1 } },
        ]);
        const zero = {
          click: 0,
          like: 0,
          follow: 0,
          comment: 0,
          forward: 0,
          hate: 0,
          longView: 0,
          profileEnter: 0,
        };
        const window = { since: T0, until: T0 + 2 * DAY };
        const byItem = await store.itemTimeStats({ ...window, bucketMs: HOUR });
        const key = (row: { itemId: string; start: number }) => `${row.itemId}@${row.start}`;
        expect([...byItem].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([
          { itemId: 'v1', start: T0, events: 2, playTimeMs: 150, signals: { ...zero, click: 1, like: 1 } },
          {
            itemId: 'v1',
            start: T0 + HOUR,
            events: 1,
            playTimeMs: 0,
            signals: { ...zero, click: 1, longView: 1 },
          },
          { itemId: 'v2', start: T0, events: 1, playTimeMs: 0, signals: zero },
          {
            itemId: 'v2',
            start: T0 + DAY + 7 * HOUR,
            events: 1,
            playTimeMs: 10,
            signals: { ...zero, hate: 1 },
          },
        ]);
        const byDay = await store.itemTimeStats({ ...window, bucketMs: DAY });
        expect(byDay.find((row) => row.itemId === 'v1')).toMatchObject({
          start: T0,
          events: 3,
          playTimeMs: 150,
        });
        await expect(store.itemTimeStats({ ...window, bucketMs: 0.5 })).rejects.toThrow(/bucketMs/);
        expect(await store.hourlyEvents(window)).toEqual([
          { hour: T0, events: 3 },
          { hour: T0 + HOUR, events: 1 },
          { hour: T0 + DAY + 7 * HOUR, events: 1 },
        ]);
        expect(await store.dailyActiveUsers(window)).toEqual([
          { day: T0, users: 2 },
          { day: T0 + DAY, users: 1 },
        ]);
        expect(await store.itemTimeStats({ since: T0 + 3 * DAY, bucketMs: HOUR })).toEqual([]);
        expect(await store.hourlyEvents({ since: T0 + 3 * DAY })).toEqual([]);
        expect(await store.dailyActiveUsers({ since: T0 + 3 * DAY })).toEqual([]);
      });

      it('answers from its rollups exactly what the log holds, for any window, after events are replaced', async () => {
        const store = await fresh();
        const HOUR = 3_600_000;
        const random = new Random(11);
        const pick = <T>(values: readonly T[]): T => values[random.int(values.length)] as T;
        const users = ['u1', 'u2', 'u3', 'u4'];
        const pipelines = ['cascade', 'generative'];
        const experiments = [undefined, 'ab1', 'ab2'];
        const someTime = () => T0 + random.int(3 * 24) * HOUR + random.int(HOUR);
        const feeds: FeedInput[] = [];
        for (let index = 0; index < 40; index++) {
          const experiment = pick(experiments);
          feeds.push({
            requestId: `r${index}`,
            userId: pick(users),
            pipeline: pick(pipelines),
            ...(experiment !== undefined && { experiment }),
            time: someTime(),
            items: [{ itemId: 'v1' }, { itemId: 'v2' }].slice(0, 1 + random.int(2)),
            latencyMs: random.int(20),
            ...(random.next() < 0.8 && { cpuMs: random.int(10) }),
          });
        }
        await store.insertFeeds(feeds);
        const someEvent = (id: string): EventInput => {
          const experiment = pick(experiments);
          const pipeline = random.next() < 0.7 ? pick(pipelines) : undefined;
          return {
            id,
            userId: pick(users),
            itemId: pick(['v1', 'v2', 'v3']),
            time: someTime(),
            ...(pipeline !== undefined && { pipeline }),
            ...(experiment !== undefined && { experiment }),
            signals: {
              click: random.int(2) as 0 | 1,
              like: random.int(2) as 0 | 1,
              ...(random.next() < 0.7 && { playTimeMs: random.int(5000) }),
            },
          };
        };
        const log = new Map<string, EventInput>();
        for (let round = 0; round < 3; round++) {
          // Each round replaces some events already stored (new time, user, item, pipeline, signals).
          const batch = Array.from({ length: 60 }, () => someEvent(`e${random.int(120)}`));
          await store.upsertEvents(batch);
          for (const event of batch) log.set(event.id, event);
        }
        const events = [...log.values()];
        const within = (time: number, window: { since?: number; until?: number }) =>
          (window.since === undefined || time >= window.since) &&
          (window.until === undefined || time < window.until);
        const windows = [
          {},
          { since: T0, until: T0 + 3 * DAY },
          { since: T0 + DAY },
          { until: T0 + DAY + 5 * HOUR },
          { since: T0 + 7 * HOUR + 123, until: T0 + 2 * DAY + 13 * HOUR + 7 },
          { since: T0 + 30 * HOUR + 10, until: T0 + 30 * HOUR + 2000 },
          { since: T0 + 20 * HOUR, until: T0 + 29 * HOUR },
        ];
        for (const window of windows) {
          const inWindow = events.filter((event) => within(event.time, window));
          const byHour = new Map<number, number>();
          const usersByDay = new Map<number, Set<string>>();
          const byItemHalfDay = new Map<string, { events: number; playTimeMs: number; like: number }>();
          for (const event of inWindow) {
            const hour = Math.floor(event.time / HOUR) * HOUR;
            byHour.set(hour, (byHour.get(hour) ?? 0) + 1);
            const day = Math.floor(event.time / DAY) * DAY;
            usersByDay.set(day, (usersByDay.get(day) ?? new Set()).add(event.userId));
            const key = `${event.itemId}@${Math.floor(event.time / (DAY / 2)) * (DAY / 2)}`;
            const sum = byItemHalfDay.get(key) ?? { events: 0, playTimeMs: 0, like: 0 };
            sum.events++;
            sum.playTimeMs += event.signals?.playTimeMs ?? 0;
            sum.like += event.signals?.like ?? 0;
            byItemHalfDay.set(key, sum);
          }
          const label = JSON.stringify(window);
          expect(await store.hourlyEvents(window), label).toEqual(
            [...byHour].sort((a, b) => a[0] - b[0]).map(([hour, count]) => ({ hour, events: count })),
          );
          expect(await store.dailyActiveUsers(window), label).toEqual(
            [...usersByDay].sort((a, b) => a[0] - b[0]).map(([day, set]) => ({ day, users: set.size })),
          );
          const buckets = await store.itemTimeStats({ ...window, bucketMs: DAY / 2 });
          expect(
            new Map(
              buckets.map((row) => [
                `${row.itemId}@${row.start}`,
                { events: row.events, playTimeMs: row.playTimeMs, like: row.signals.like },
              ]),
            ),
            label,
          ).toEqual(byItemHalfDay);

          for (const experiment of [undefined, 'ab1']) {
            const filter = { ...window, ...(experiment !== undefined && { experiment }) };
            const matches = (row: { experiment?: string; time: number }) =>
              within(row.time, window) && (experiment === undefined || row.experiment === experiment);
            const expected = new Map<
              string,
              { requests: number; events: number; playTimeMs: number; click: number; days: Set<number> }
            >();
            const entry = (pipeline: string, userId: string) => {
              const key = `${pipeline}/${userId}`;
              const value = expected.get(key) ?? {
                requests: 0,
                events: 0,
                playTimeMs: 0,
                click: 0,
                days: new Set(),
              };
              expected.set(key, value);
              return value;
            };
            for (const feed of feeds.filter(matches)) {
              const value = entry(feed.pipeline, feed.userId);
              value.requests++;
              value.days.add(Math.floor(feed.time / DAY));
            }
            for (const event of events.filter(matches)) {
              if (event.pipeline === undefined) continue;
              const value = entry(event.pipeline, event.userId);
              value.events++;
              value.playTimeMs += event.signals?.playTimeMs ?? 0;
              value.click += event.signals?.click ?? 0;
              value.days.add(Math.floor(event.time / DAY));
            }
            const perUser = await store.pipelineUserStats(filter);
            expect(
              new Map(
                perUser.map((row) => [
                  `${row.pipeline}/${row.userId}`,
                  {
                    requests: row.requests,
                    events: row.events,
                    playTimeMs: row.playTimeMs,
                    click: row.signals.click,
                    days: row.activeDays,
                  },
                ]),
              ),
              `${label} ${experiment}`,
            ).toEqual(
              new Map([...expected].map(([key, value]) => [key, { ...value, days: value.days.size }])),
            );
            const totals = await store.pipelineStats(filter);
            for (const pipeline of pipelines) {
              const served = feeds.filter((feed) => feed.pipeline === pipeline && matches(feed));
              const row = totals.find((total) => total.pipeline === pipeline);
              expect(row?.requests ?? 0, `${label} ${experiment} ${pipeline}`).toBe(served.length);
              expect(row?.impressions ?? 0).toBe(served.reduce((sum, feed) => sum + feed.items.length, 0));
              expect(row?.cpuMs ?? 0).toBe(served.reduce((sum, feed) => sum + (feed.cpuMs ?? 0), 0));
              expect(row?.users ?? 0).toBe(new Set(served.map((feed) => feed.userId)).size);
            }
          }
        }
      });
    });

    describe('model versions', () => {
      it('numbers versions, activates exactly one per name and guards deletion', async () => {
        let clock = 1000;
        const store = await fresh({ now: () => clock++ });
        const first = await store.addModelVersion({
          name: 'generative',
          path: 'models/generative/1',
          checksum: 'sha256:aa',
          metrics: { 'recall@10': 0.0674 },
        });
        expect(first).toEqual({
          name: 'generative',
          version: 1,
          path: 'models/generative/1',
          checksum: 'sha256:aa',
          metrics: { 'recall@10': 0.0674 },
          createdAt: 1000,
          active: false,
          storedFiles: 0,
          storedBytes: 0,
        });
        const second = await store.addModelVersion({ name: 'generative', path: 'p2', checksum: 'bb' });
        expect(second.version).toBe(2);
        await store.addModelVersion({ name: 'reward', version: 7, path: 'r7', checksum: 'cc' });
        await expect(
          store.addModelVersion({ name: 'reward', version: 7, path: 'again', checksum: 'dd' }),
        ).rejects.toThrow(ConflictError);

        expect(await store.activeModelVersion('generative')).toBeUndefined();
        await store.activateModelVersion('generative', 1);
        expect(await store.activateModelVersion('generative', 2)).toMatchObject({ version: 2, active: true });
        expect((await store.activeModelVersion('generative'))?.version).toBe(2);
        expect((await store.getModelVersion('generative', 1))?.active).toBe(false);
        await expect(store.activateModelVersion('generative', 9)).rejects.toThrow(NotFoundError);
        expect((await store.activeModelVersion('generative'))?.version).toBe(2);

        expect((await store.listModelVersions()).map((model) => `${model.name}@${model.version}`)).toEqual([
          'generative@2',
          'generative@1',
          'reward@7',
        ]);
        await expect(store.deleteModelVersion('generative', 2)).rejects.toThrow(ConflictError);
        await store.deleteModelVersion('generative', 1);
        await expect(store.deleteModelVersion('generative', 1)).rejects.toThrow(NotFoundError);
        expect((await store.listModelVersions('generative')).map((model) => model.version)).toEqual([2]);
      });

      it("keeps a version's files with it in chunks, byte for byte, listed in path order", async () => {
        const store = await fresh();
        // Three chunks, handed over in pieces that straddle the chunk boundaries.
        const weights = randomBytes(2 * MODEL_CHUNK_BYTES + 123);
        const manifest = Buffer.from('{"format": 1, "名前": "模型"}');
        const version = await store.addModelVersion({
          name: 'generative',
          path: '/cache/generative/v1',
          checksum: 'sum',
          files: [
            modelFile('model.safetensors', weights, 1_000_003),
            { ...modelFile('sub/manifest.json', manifest), sha256: sha256(manifest).toUpperCase() },
            modelFile('empty', new Uint8Array(0)),
          ],
        });
        const total = weights.length + manifest.length;
        expect(version).toMatchObject({ version: 1, storedFiles: 3, storedBytes: total });
        expect(await store.getModelVersion('generative', 1)).toMatchObject({
          storedFiles: 3,
          storedBytes: total,
        });
        expect(await store.listModelFiles('generative', 1)).toEqual([
          { path: 'empty', bytes: 0, sha256: sha256(new Uint8Array(0)), chunks: 0 },
          { path: 'model.safetensors', bytes: weights.length, sha256: sha256(weights), chunks: 3 },
          { path: 'sub/manifest.json', bytes: manifest.length, sha256: sha256(manifest), chunks: 1 },
        ]);
        const sizes: number[] = [];
        const back = await readAll(
          (async function* () {
            for await (const chunk of store.readModelFile('generative', 1, 'model.safetensors')) {
              sizes.push(chunk.byteLength);
              yield chunk;
            }
          })(),
        );
        expect(sizes).toEqual([MODEL_CHUNK_BYTES, MODEL_CHUNK_BYTES, 123]);
        expect(back.equals(weights)).toBe(true);
        expect(
          (await readAll(store.readModelFile('generative', 1, 'sub/manifest.json'))).equals(manifest),
        ).toBe(true);
        expect((await readAll(store.readModelFile('generative', 1, 'empty'))).length).toBe(0);
        await expect(readAll(store.readModelFile('generative', 1, 'missing.bin'))).rejects.toThrow(
          new NotFoundError('Model generative@1 has no file missing.bin in the store'),
        );
        await expect(store.listModelFiles('generative', 2)).rejects.toThrow(NotFoundError);
      });

      it('writes a version and its files in one transaction: a refused file leaves nothing behind', async () => {
        const store = await fresh();
        const bytes = randomBytes(1000);
        const refused = async (files: ModelFileInput[], message: RegExp) => {
          await expect(
            store.addModelVersion({ name: 'generative', path: 'p', checksum: 'c', files }),
          ).rejects.toThrow(message);
          expect(await store.listModelVersions()).toEqual([]);
        };
        await refused(
          [
            modelFile('a.bin', randomBytes(MODEL_CHUNK_BYTES + 1)),
            { ...modelFile('b.bin', bytes), sha256: 'ab' },
          ],
          /Cannot store model generative@1: b\.bin has sha256 [0-9a-f]{64}, expected ab/,
        );
        await refused([modelFile('../escape', bytes)], /file path "\.\.\/escape" must be relative/);
        await refused([modelFile('/etc/passwd', bytes)], /must be relative/);
        await refused([modelFile('a\\b', bytes)], /must be relative/);
        await refused([modelFile('a.bin', bytes), modelFile('a.bin', bytes)], /a\.bin is given twice/);
        const failing: ModelFileInput = {
          path: 'half.bin',
          async *read() {
            yield bytes;
            throw new Error('disk gone');
          },
        };
        await refused([modelFile('a.bin', bytes), failing], /disk gone/);

        // The number is free again, and a deleted version takes its files with it.
        await store.addModelVersion({
          name: 'generative',
          path: 'p',
          checksum: 'c',
          files: [modelFile('a.bin', bytes)],
        });
        await store.addModelVersion({ name: 'generative', path: 'p', checksum: 'c' });
        await store.activateModelVersion('generative', 2);
        await store.deleteModelVersion('generative', 1);
        await expect(store.listModelFiles('generative', 1)).rejects.toThrow(NotFoundError);
        const other = randomBytes(10);
        await store.addModelVersion({
          name: 'generative',
          version: 1,
          path: 'p',
          checksum: 'c',
          files: [modelFile('a.bin', other)],
        });
        expect((await readAll(store.readModelFile('generative', 1, 'a.bin'))).equals(other)).toBe(true);
        expect(await store.listModelFiles('generative', 2)).toEqual([]);
      });

      it('refuses a file whose bytes in the store were damaged, naming the model, version and file', async () => {
        const underTest = await open();
        const store = underTest.store;
        const weights = randomBytes(2 * MODEL_CHUNK_BYTES + 5);
        for (const version of [1, 2])
          await store.addModelVersion({
            name: 'generative',
            version,
            path: 'p',
            checksum: 'c',
            files: [modelFile('model.safetensors', weights)],
          });
        const chunk = { name: 'generative', path: 'model.safetensors', chunk: 1 };
        await damageModelChunk(underTest.tables, { ...chunk, version: 1 }, 'flip');
        const flipped = readAll(store.readModelFile('generative', 1, 'model.safetensors'));
        await expect(flipped).rejects.toThrow(CorruptModelFileError);
        await expect(flipped).rejects.toThrow(
          /^Model generative@1: model\.safetensors has sha256 [0-9a-f]{64} in the store, [0-9a-f]{64} when it was written \(corrupted in the store\)$/,
        );
        await damageModelChunk(underTest.tables, { ...chunk, version: 2 }, 'drop');
        await expect(readAll(store.readModelFile('generative', 2, 'model.safetensors'))).rejects.toThrow(
          new CorruptModelFileError(
            'Model generative@2: model.safetensors lacks chunk 1 of its 3 in the store (corrupted in the store)',
          ),
        );
      });

      it('tells listeners of each activation once it committed, and nothing once they stopped', async () => {
        const store = await fresh();
        await store.addModelVersion({ name: 'generative', path: 'p1', checksum: 'a' });
        await store.addModelVersion({ name: 'generative', path: 'p2', checksum: 'b' });
        const heard: Array<ModelActivation | undefined> = [];
        const stop = await store.listenModelActivations((activation) => heard.push(activation));
        await store.activateModelVersion('generative', 1);
        await expect(store.activateModelVersion('generative', 9)).rejects.toThrow(NotFoundError);
        await store.activateModelVersion('generative', 2);
        await vi.waitFor(() => expect(heard).toHaveLength(2), { timeout: 5000 });
        expect(heard).toEqual([
          { name: 'generative', version: 1 },
          { name: 'generative', version: 2 },
        ]);
        await stop();
        await store.activateModelVersion('generative', 1);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(heard).toHaveLength(2);
      });
    });

    describe('experiments', () => {
      it('creates, replaces (keeping the creation time), lists and deletes experiments', async () => {
        let clock = 10;
        const store = await fresh({ now: () => clock++ });
        expect(await store.putExperiment({ name: 'ab1', split: { generative: 25, cascade: 75 } })).toEqual({
          name: 'ab1',
          split: { generative: 25, cascade: 75 },
          createdAt: 10,
          updatedAt: 10,
        });
        const replaced = await store.putExperiment({
          name: 'ab1',
          split: { generative: 50, cascade: 50 },
          description: 'half and half',
        });
        expect(replaced).toEqual({
          name: 'ab1',
          split: { generative: 50, cascade: 50 },
          description: 'half and half',
          createdAt: 10,
          updatedAt: 11,
        });
        await store.putExperiment({ name: 'aa', split: { cascade: 1 } });
        expect((await store.listExperiments()).map((experiment) => experiment.name)).toEqual(['aa', 'ab1']);
        await store.deleteExperiment('aa');
        expect(await store.getExperiment('aa')).toBeUndefined();
        await expect(store.deleteExperiment('aa')).rejects.toThrow(NotFoundError);
      });
    });

    describe('dashboard sessions', () => {
      it('keeps a session until it expires or is deleted, shared by every connection, and drops expired ones on write', async () => {
        let clock = 1_000;
        const underTest = await open({ now: () => clock });
        const { store } = underTest;
        const session = { scopes: ['admin'], csrfToken: 'c'.repeat(43), expiresAt: 5_000 };
        await store.putSession('s1', session);
        expect(await store.getSession('s1')).toEqual(session);
        // Another server on the same database opens it.
        const other = await underTest.reopen();
        expect(await other.getSession('s1')).toEqual(session);
        await store.putSession('s1', { ...session, scopes: ['read', 'write'] });
        expect((await other.getSession('s1'))?.scopes).toEqual(['read', 'write']);
        expect(await store.getSession('s1', 5_000)).toBeUndefined(); // expired at its time
        await store.putSession('s2', { ...session, expiresAt: 2_000 });
        clock = 3_000;
        await store.putSession('s3', { ...session, expiresAt: 9_000 });
        // s2 expired before s3 was written: gone from the table, not only hidden.
        expect(await store.getSession('s2', 0)).toBeUndefined();
        expect(await store.getSession('s1', 0)).toBeDefined();
        await store.deleteSession('s1');
        await store.deleteSession('s1');
        expect(await other.getSession('s1')).toBeUndefined();
        await expect(store.putSession('s4', { ...session, expiresAt: Number.NaN })).rejects.toThrow(
          /expiresAt/,
        );
        expect(await store.getSession('s4', 0)).toBeUndefined();
      });
    });

    describe('durability', () => {
      it('keeps a committed batch after the store is closed and opened again', async () => {
        const underTest = await open();
        await underTest.store.upsertItems([{ id: 'v1', caption: 'kept' }]);
        await underTest.store.upsertEvents(
          Array.from({ length: 1000 }, (_, index) => ({
            id: `e${index}`,
            userId: 'u1',
            itemId: 'v1',
            time: T0 + index,
          })),
        );
        await underTest.store.close();
        const reopened = await underTest.reopen();
        expect(await reopened.counts()).toMatchObject({ items: 1, events: 1000 });
        expect(await reopened.getItem('v1')).toMatchObject({ caption: 'kept' });
        await reopened.check();
      });
    });
  });
}
