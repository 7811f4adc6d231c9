import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { readKuaiRecCaptions, readMovieLensMovies, readMovieLensRatings } from '../data/index.js';
import { auc } from '../reward/index.js';
import { EngagementPredictor } from './engagement-predictor.js';
import { fanActivity } from './fan-activity.js';
import { shareInWindows, suggestPostingTimes } from './posting-times.js';
import { type EngagedCaption, TitleMiner } from './title-miner.js';
import type { CreatorEvent, CreatorItem } from './types.js';

/** The shared public data sets (../shared/data/README.md); GENFEED_DATA points elsewhere. */
const DATA = process.env.GENFEED_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const captions = join(DATA, 'kuairec', 'kuairec_caption_category.csv');
const movielens = join(DATA, 'movielens-latest-small');

describe.skipIf(!existsSync(captions))('assistant on the real KuaiRec captions', () => {
  it('mines captions of the same content for a Chinese draft', async () => {
    const corpus: EngagedCaption[] = [];
    for await (const item of readKuaiRecCaptions(captions)) {
      if (item.text)
        corpus.push({
          itemId: item.id,
          caption: item.text,
          categories: item.categories ?? [],
          engagement: 1,
        });
    }
    expect(corpus.length).toBeGreaterThan(5000);
    const miner = new TitleMiner(corpus, { minQuantile: 0 });
    const titles = miner.mine({ caption: '我家猫咪今天学会了开门', categories: ['宠物'] }, 5);
    expect(titles).toHaveLength(5);
    const byId = new Map(corpus.map((caption) => [caption.itemId, caption]));
    const onTopic = titles.filter(
      (title) => byId.get(title.itemId!)!.categories?.[0] === '宠物' || /猫|喵/.test(title.title),
    );
    expect(onTopic.length).toBeGreaterThanOrEqual(4);
  }, 30_000);
});

describe.skipIf(!existsSync(join(movielens, 'ratings.csv')))('assistant on MovieLens latest-small', () => {
  it('predicts engagement from titles better than from their length, and finds when a user rates', async () => {
    const events: CreatorEvent[] = [];
    const counts = new Map<string, number>();
    for await (const rating of readMovieLensRatings(join(movielens, 'ratings.csv'))) {
      events.push({ userId: rating.user, itemId: rating.item, time: rating.time! * 1000 });
      counts.set(rating.item, (counts.get(rating.item) ?? 0) + 1);
    }
    const movies = [];
    for await (const movie of readMovieLensMovies(join(movielens, 'movies.csv'))) {
      if (movie.title && counts.has(movie.id))
        movies.push({ caption: movie.title, categories: movie.categories ?? [], n: counts.get(movie.id)! });
    }
    const random = new Random(7);
    const examples = movies
      .map((movie) => ({ draft: movie, label: (movie.n > 9 ? 1 : 0) as 0 | 1, key: random.next() }))
      .sort((a, b) => a.key - b.key);
    const train = examples.slice(0, 6000);
    const test = examples.slice(6000);
    const score = (predictor: EngagementPredictor) =>
      auc(
        test.map((example) => predictor.predict(example.draft)),
        test.map((example) => example.label),
      );
    const full = score(EngagementPredictor.train(train, { epochs: 3 }));
    const lengthOnly = score(EngagementPredictor.train(train, { epochs: 3, featureSet: 'length' }));
    expect(full).toBeGreaterThan(0.65);
    expect(full).toBeGreaterThan(lengthOnly + 0.05);

    // User 414 rates the most, over years: windows from the first half of their ratings catch
    // more of the second half than a uniform placement of the same hours would.
    const items: CreatorItem[] = [];
    const times = events
      .filter((event) => event.userId === '414')
      .map((event) => event.time)
      .sort((x, y) => x - y);
    const middle = times[times.length >> 1]!;
    const fit = fanActivity('x', events, items, { fans: ['414'], until: middle });
    const later = fanActivity('x', events, items, {
      fans: ['414'],
      since: middle,
      halfLifeDays: Number.POSITIVE_INFINITY,
    });
    const share = shareInWindows(later.activity, suggestPostingTimes(fit.activity));
    expect(share).toBeGreaterThan(2 * (6 / 168));
  }, 30_000);
});
