import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../core/index.js';
import { creatorTrends } from './creator-trends.js';
import { topicSeries } from './topic-series.js';
import { topicsOfItem } from './topics.js';
import { trendingTopics } from './trending-topics.js';
import { type CreatorEvent, type CreatorItem, DAY_MS, HOUR_MS } from './types.js';

const start = Date.UTC(2024, 0, 1);

/** 21 days: steady traffic on every topic; on the last day #kitten and #stocks burst. */
function fixture(): { events: CreatorEvent[]; items: CreatorItem[] } {
  const items: CreatorItem[] = [
    { id: 'mine1', author: 'me', hashtags: ['#猫'], categories: ['宠物'] },
    { id: 'mine2', author: 'me', hashtags: ['萌宠'], categories: ['宠物'] },
    { id: 'kitten', author: 'a', hashtags: ['kitten', '萌宠'], categories: ['宠物'] },
    { id: 'stocks', author: 'b', hashtags: ['stocks'], categories: ['财经'] },
    { id: 'cooking', author: 'c', hashtags: ['做饭'], categories: ['美食'] },
  ];
  const events: CreatorEvent[] = [];
  let user = 0;
  for (let day = 0; day < 21; day++) {
    for (const item of items) {
      const extra = day === 20 && (item.id === 'kitten' || item.id === 'stocks') ? 60 : 0;
      for (let k = 0; k < 10 + extra; k++) {
        events.push({
          userId: `u${user++ % 50}`,
          itemId: item.id,
          time: start + day * DAY_MS + (k % 24) * HOUR_MS,
        });
      }
    }
  }
  return { events, items };
}

describe('trends', () => {
  it('flags the bursting topics with their evidence', () => {
    const { events, items } = fixture();
    const trends = trendingTopics(topicSeries(events, items, { binMs: DAY_MS }), {
      period: 7,
      windowBins: 1,
    });
    const top = trends.slice(0, 2).map((trend) => trend.topic);
    expect(top.sort()).toEqual(['#kitten', '#stocks']);
    const kitten = trends.find((trend) => trend.topic === '#kitten')!;
    expect(kitten.count).toBe(70);
    expect(kitten.previousCount).toBe(10);
    expect(kitten.growthPercent).toBeCloseTo(600, 6);
    expect(kitten.burstBins).toBe(1);
    expect(kitten.peakZ).toBeGreaterThan(5);
  });

  it('ranks for a creator the rising topic of their niche above an unrelated one', () => {
    const { events, items } = fixture();
    const trends = creatorTrends('me', events, items, { binMs: DAY_MS, period: 7, windowBins: 1 });
    expect(trends[0]!.topic).toBe('#kitten');
    const stocks = trends.find((trend) => trend.topic === '#stocks');
    expect(stocks === undefined || stocks.score < trends[0]!.score / 5).toBe(true);
    expect(trends[0]!.similarity).toBeGreaterThan(0.3);
    expect(() => creatorTrends('nobody', events, items)).toThrow(NotFoundError);
  });
});

describe('topicsOfItem', () => {
  it('normalises hashtags, keeps category levels and drops promotional tags and placeholders', () => {
    expect(
      topicsOfItem({
        id: 'x',
        hashtags: ['#Cat ', 'cat', '#上热门', '感谢快手我要上热门', 'UNKNOWN'],
        categories: ['宠物', 'UNKNOWN'],
      }),
    ).toEqual(['#cat', 'category:宠物']);
  });
});

describe('topicSeries', () => {
  it('counts distinct users when asked', () => {
    const items: CreatorItem[] = [{ id: 'a', hashtags: ['#x'] }];
    const events: CreatorEvent[] = [
      { userId: 'u1', itemId: 'a', time: start },
      { userId: 'u1', itemId: 'a', time: start + 1000 },
      { userId: 'u2', itemId: 'a', time: start + 2000 },
      { userId: 'u1', itemId: 'a', time: start + DAY_MS },
    ];
    expect([...topicSeries(events, items, { binMs: DAY_MS }).counts.get('#x')!]).toEqual([3, 1]);
    expect([...topicSeries(events, items, { binMs: DAY_MS, distinctUsers: true }).counts.get('#x')!]).toEqual(
      [2, 1],
    );
  });
});
