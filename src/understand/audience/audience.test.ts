import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { AudienceFinder, blend, defaultAudienceWeights, signalOnly } from './audience-finder.js';
import { audienceFigures } from './audience-metrics.js';
import { collaborativeScores } from './collaborative-audience.js';
import { ContentProfiles } from './content-profiles.js';
import { evaluateAudience, tuneAudienceWeights } from './evaluate-audience.js';
import { exposureAudience } from './exposure-audience.js';
import { interestLog } from './interest-log.js';
import { movieLensAudience } from './movielens-audience.js';

/** The shared public data sets (see ../shared/data/README.md); GENFEED_DATA points elsewhere. */
const DATA = process.env.GENFEED_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const MOVIELENS = join(DATA, 'movielens-latest-small');

/**
 * Six users, six films. Users 0-2 like comedies, 3-5 like horror; user 2 also
 * watched the horror film 4. Item 5 is a new comedy nobody has seen.
 */
function tinyCatalogue() {
  const itemTokens = [
    ['genre:comedy', 'tag:funny'],
    ['genre:comedy', 'tag:slapstick'],
    ['genre:horror', 'tag:gore'],
    ['genre:horror', 'tag:ghost'],
    ['genre:horror', 'tag:ghost'],
    ['genre:comedy', 'tag:funny'],
  ];
  const pairs: [number, number][] = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
    [2, 1],
    [2, 4],
    [3, 2],
    [3, 3],
    [4, 2],
    [4, 3],
    [4, 4],
    [5, 3],
  ];
  return { log: interestLog(6, 6, pairs), itemTokens };
}

describe('interestLog', () => {
  it('indexes both ways, sorted, repeats collapsed', () => {
    const log = interestLog(3, 3, [
      [0, 2],
      [0, 1],
      [0, 2],
      [2, 1],
    ]);
    expect([...log.userItems[0]!]).toEqual([1, 2]);
    expect([...log.itemUsers[1]!]).toEqual([0, 2]);
    expect(log.itemUsers[0]!.length).toBe(0);
  });

  it('names an index outside the catalogue', () => {
    expect(() => interestLog(2, 2, [[0, 5]])).toThrow(/item 5 is outside 0\.\.1/);
  });
});

describe('audience signals on a hand-made catalogue', () => {
  const { log, itemTokens } = tinyCatalogue();

  it('content profiles put the comedy fans first for a new comedy', () => {
    const scores = new ContentProfiles(log, itemTokens).scores(5);
    const order = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!);
    expect(order.slice(0, 2).sort()).toEqual([0, 1]);
    expect(scores[2]!).toBeGreaterThan(scores[3]!);
    expect(scores[3]).toBe(0);
  });

  it('item-kNN scores users by the items they share with the item audience', () => {
    // Item 3's audience (3, 4, 5) also liked 2 and 4: user 2 (liked 4) beats the comedy-only users.
    const scores = collaborativeScores(log, 3);
    expect(scores[2]!).toBeGreaterThan(0);
    expect(scores[0]).toBe(0);
    expect(scores[1]).toBe(0);
    // A new item has no collaborative signal.
    expect([...collaborativeScores(log, 5)].every((score) => score === 0)).toBe(true);
  });

  it('blends z-scored signals and leaves out excluded users', () => {
    const finder = new AudienceFinder(log, itemTokens);
    expect(finder.top(5, 2)).toEqual([0, 1]);
    expect(finder.top(5, 2, { exclude: [0], weights: signalOnly.contentOnly })).toEqual([1, 2]);
    const signals = finder.signals(2);
    const activityOnly = blend(signals, signalOnly.popularity);
    expect(activityOnly[4]!).toBeGreaterThan(activityOnly[5]!);
    // A constant signal adds nothing instead of dividing by zero.
    const constant = blend({ ...signals, content: new Float32Array(6).fill(1) }, signalOnly.contentOnly);
    expect([...constant].every((value) => value === 0)).toBe(true);
  });
});

describe('audienceFigures', () => {
  it('computes Recall@K and a tie-aware AUC', () => {
    const scores = Float32Array.from([0.9, 0.8, 0.8, 0.1, 0.5]);
    const candidate = Uint8Array.from([1, 1, 1, 1, 0]);
    const figures = audienceFigures(scores, [1, 3], candidate, 2)!;
    // Top 2 of the candidates: 0 and one of the tied 1/2 (lower index first on ties) -> user 1 found.
    expect(figures.recallAtK).toBe(0.5);
    // Pairs (positive, negative): (1,0) lose, (1,2) tie, (3,0) lose, (3,2) lose -> 0.5 / 4.
    expect(figures.auc).toBeCloseTo(0.125);
  });

  it('returns undefined without positives or negatives among the candidates', () => {
    const candidate = Uint8Array.from([1, 1, 0]);
    expect(audienceFigures(Float32Array.from([1, 2, 3]), [2], candidate, 1)).toBeUndefined();
    expect(audienceFigures(Float32Array.from([1, 2, 3]), [0, 1], candidate, 1)).toBeUndefined();
  });
});

describe('evaluateAudience and tuneAudienceWeights', () => {
  it('prefers the content signal when the held-out audience follows genre', () => {
    const { log, itemTokens } = tinyCatalogue();
    const finder = new AudienceFinder(log, itemTokens);
    const cases = [{ item: 5, positives: [0, 1, 2], excluded: [] }];
    const report = evaluateAudience(
      finder,
      cases,
      { ...signalOnly, blended: defaultAudienceWeights },
      { k: 3 },
    );
    expect(report.contentOnly!.auc).toBe(1);
    expect(report.popularity!.auc).toBeLessThan(1);
    expect(tuneAudienceWeights(finder, cases, { k: 3 }).content).toBeGreaterThan(0);
  });
});

describe.skipIf(!existsSync(MOVIELENS))(`audience finding on MovieLens latest-small (${MOVIELENS})`, () => {
  it('the blend beats the most-active-users baseline on Recall@100 and AUC', async () => {
    const benchmark = await movieLensAudience(MOVIELENS);
    expect(benchmark.cases.length).toBeGreaterThan(1000);
    const finder = new AudienceFinder(benchmark.log, benchmark.itemTokens);
    const report = evaluateAudience(finder, benchmark.cases.slice(0, 300), {
      genfeed: defaultAudienceWeights,
      popularity: signalOnly.popularity,
    });
    expect(report.genfeed!.recall).toBeGreaterThan(report.popularity!.recall + 0.05);
    expect(report.genfeed!.auc).toBeGreaterThan(report.popularity!.auc + 0.03);
  }, 60_000);
});

describe('the exposure audience protocol', () => {
  it('keeps the first views of held-out items and takes the highest hidden affinity as positives', () => {
    // Items 0-9; users 0-9 each viewed every item, in user order; affinity favours low user ids.
    const views = [...Array(10).keys()].flatMap((user) =>
      [...Array(10).keys()].map((item) => ({ user, item })),
    );
    const tokens = Array.from({ length: 10 }, (_, item) => [`item:${item}`]);
    const benchmark = exposureAudience(
      { numUsers: 10, numItems: 10, views, itemTokens: tokens, affinity: (user) => -user },
      { random: new Random(1), heldOutItems: 2, seedViews: 3, positiveShare: 0.3 },
    );
    expect(benchmark.cases).toHaveLength(2);
    expect(benchmark.validation.cases).toHaveLength(2);
    for (const { item, excluded, positives } of [...benchmark.cases, ...benchmark.validation.cases]) {
      expect(excluded).toEqual([0, 1, 2]);
      expect(positives).toEqual([3, 4]);
      expect(benchmark.log.itemUsers[item]).toHaveLength(3);
    }
    expect(() =>
      exposureAudience(
        { numUsers: 10, numItems: 10, views, itemTokens: tokens, affinity: () => 0 },
        { random: new Random(1), heldOutItems: 6 },
      ),
    ).toThrow(/cannot hold out 2 x 6 items of a 10-item catalogue/);
  });
});
