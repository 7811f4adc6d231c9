import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueRecord } from '../catalogue-record.js';
import type { FeedPipeline, FeedRequest } from '../feed-pipeline.js';

/** One pipeline under test, built over a small catalogue. */
export interface PipelineUnderTest {
  pipeline: FeedPipeline;
  /** Every item the pipeline may serve. */
  itemIds: readonly string[];
  /** A warm user's history (oldest first), a few items of the catalogue. */
  history: readonly string[];
  /**
   * For a pipeline with `addItems`: a catalogue item it was not built with,
   * sharing content with the catalogue, so cold start can place it.
   */
  newItem?: CatalogueRecord;
}

/** Builds a pipeline; the same seed must give the same pipeline (a model trained with that seed). */
export type PipelineFactory = (options: { seed: number }) => Promise<PipelineUnderTest>;

/** Feed length the suite asks for: small enough for a tiny catalogue. */
const N = 5;
const SEED = 7;

const requestOf = (history: readonly string[], overrides: Partial<FeedRequest> = {}): FeedRequest => ({
  userId: 'contract-user',
  n: N,
  history,
  exclude: new Set<string>(),
  now: Date.UTC(2026, 0, 10, 12),
  ...overrides,
});

/**
 * The behaviour every FeedPipeline must have, run against each one (like the
 * store's contract, store-contract.ts): a full feed of distinct servable items
 * that keeps out the exclusions and the history, the same feed for the same
 * request and seed, a full feed for a cold user, tolerance of item ids the
 * model never saw, cold start where the pipeline offers it, and clear errors
 * for a malformed request.
 */
export function describePipelineContract(name: string, factory: PipelineFactory): void {
  describe(`FeedPipeline contract: ${name}`, () => {
    let built: PipelineUnderTest;
    let twin: PipelineUnderTest;
    beforeAll(async () => {
      built = await factory({ seed: SEED });
      twin = await factory({ seed: SEED });
    }, 120_000);

    const expectUsable = (ids: readonly string[], request: FeedRequest) => {
      const servable = new Set(built.itemIds);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) {
        expect(servable.has(id), `${id} is not a servable item`).toBe(true);
        expect(request.exclude.has(id), `${id} is excluded`).toBe(false);
        expect(request.history, `${id} is in the history`).not.toContain(id);
      }
    };

    it('serves n distinct servable items, none excluded and none in the history', () => {
      const exclude = new Set(built.itemIds.filter((id) => !built.history.includes(id)).slice(0, 2));
      const request = requestOf(built.history, { exclude });
      const ids = built.pipeline.recommend(request).items.map((item) => item.itemId);
      expect(ids).toHaveLength(N);
      expectUsable(ids, request);
    });

    it('is deterministic: the same request twice, and a twin built with the same seed, give the same feed', () => {
      const request = requestOf(built.history);
      const first = built.pipeline.recommend(request).items;
      const again = built.pipeline.recommend(request).items;
      expect(again).toEqual(first);
      const twinIds = twin.pipeline.recommend(request).items.map((item) => item.itemId);
      expect(twinIds).toEqual(first.map((item) => item.itemId));
    });

    it('gives a cold user (no history) a full feed', () => {
      const request = requestOf([]);
      const ids = built.pipeline.recommend(request).items.map((item) => item.itemId);
      expect(ids).toHaveLength(N);
      expectUsable(ids, request);
    });

    it('tolerates history items it never saw', () => {
      const request = requestOf(['never-seen-a', ...built.history, 'never-seen-b']);
      const ids = built.pipeline.recommend(request).items.map((item) => item.itemId);
      expect(ids).toHaveLength(N);
      expectUsable(ids, request);
    });

    it('rejects a malformed request with an error naming the field', () => {
      const { pipeline, history } = built;
      for (const n of [0, -1, 2.5, Number.NaN])
        expect(() => pipeline.recommend(requestOf(history, { n }))).toThrow(/\bn\b/);
      const notArray = 'v1' as unknown as string[];
      expect(() => pipeline.recommend(requestOf(notArray))).toThrow(/history/);
      const notSet = ['v1'] as unknown as Set<string>;
      expect(() => pipeline.recommend(requestOf(history, { exclude: notSet }))).toThrow(/exclude/);
    });

    it('similar, where offered: other items, at most n; undefined for an unknown item', () => {
      const { pipeline, history } = built;
      if (pipeline.similar === undefined) return;
      const found = pipeline.similar(history[0]!, 3);
      expect(found).toBeDefined();
      expect(found!.length).toBeLessThanOrEqual(3);
      expect(found!.map((item) => item.itemId)).not.toContain(history[0]);
      expect(pipeline.similar('never-seen', 3)).toBeUndefined();
    });

    it('addItems, where offered: an added item can then be served or found by similar', async () => {
      const fresh = await factory({ seed: SEED });
      const { pipeline, newItem } = fresh;
      if (pipeline.addItems === undefined) return;
      expect(newItem, 'a pipeline with addItems needs a newItem in its factory').toBeDefined();
      const summary = pipeline.addItems([newItem!]);
      expect(summary.placed.map((placed) => placed.itemId)).toEqual([newItem!.id]);
      expect(pipeline.addItems([newItem!]).placed).toHaveLength(0); // known now
      // With everything else excluded, only the new item is left to serve.
      const exclude = new Set(fresh.itemIds);
      const served = pipeline.recommend(requestOf(fresh.history, { exclude })).items.map((i) => i.itemId);
      const similar = pipeline.similar?.(newItem!.id, 3) ?? [];
      expect(served.includes(newItem!.id) || similar.length > 0).toBe(true);
    }, 120_000);
  });
}
