import { describe, expect, it } from 'vitest';
import { TrafficSplit, userPosition } from './traffic-split.js';

const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

const counts = (split: TrafficSplit): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const user of users) {
    const bucket = split.bucketOf(user);
    out[bucket] = (out[bucket] ?? 0) + 1;
  }
  return out;
};

describe('TrafficSplit', () => {
  it('puts each user in the same bucket every time, whatever order the split was written in', () => {
    const a = new TrafficSplit('gen-vs-cascade', { generative: 25, cascade: 75 });
    const b = new TrafficSplit('gen-vs-cascade', { cascade: 3, generative: 1 });
    for (const user of users.slice(0, 2000)) {
      expect(a.bucketOf(user)).toBe(b.bucketOf(user));
      expect(a.bucketOf(user)).toBe(a.bucketOf(user));
    }
    expect(userPosition('x', 'u1')).toBe(userPosition('x', 'u1'));
  });

  it('matches the shares within 3 standard deviations on 10,000 ids, also three ways', () => {
    const two = counts(new TrafficSplit('ab', { generative: 25, cascade: 75 }));
    // Binomial sd of 10,000 x 0.25: 43.3.
    expect(Math.abs(two.generative! - 2500)).toBeLessThan(130);
    expect(two.generative! + two.cascade!).toBe(10_000);
    const three = counts(new TrafficSplit('abc', { generative: 20, cascade: 50, coldstart: 30 }));
    expect(Math.abs(three.generative! - 2000)).toBeLessThan(120);
    expect(Math.abs(three.cascade! - 5000)).toBeLessThan(150);
    expect(Math.abs(three.coldstart! - 3000)).toBeLessThan(138);
  });

  it('spreads sequential ids evenly: positions are close to uniform in every tenth', () => {
    const tenths = new Array<number>(10).fill(0);
    for (const user of users) tenths[Math.floor(userPosition('ab', user) * 10)]!++;
    for (const count of tenths) expect(Math.abs(count - 1000)).toBeLessThan(95); // 3 sd of 1000 at p = 0.1
  });

  it('moving share between two buckets moves only the users in between', () => {
    const before = new TrafficSplit('ab', { generative: 25, cascade: 75 });
    const after = new TrafficSplit('ab', { generative: 40, cascade: 60 });
    let moved = 0;
    for (const user of users) {
      const [from, to] = [before.bucketOf(user), after.bucketOf(user)];
      if (from === 'generative') expect(to).toBe('generative');
      if (from !== to) moved++;
    }
    expect(Math.abs(moved - 1500)).toBeLessThan(110);
    // Another experiment name reshuffles: about a quarter of the 25% land in generative again.
    const other = new TrafficSplit('ab-2', { generative: 25, cascade: 75 });
    const both = users.filter(
      (u) => before.bucketOf(u) === 'generative' && other.bucketOf(u) === 'generative',
    );
    expect(Math.abs(both.length - 625)).toBeLessThan(75);
  });

  it('a zero share gets nobody; bad splits are errors naming the experiment and the bucket', () => {
    expect(counts(new TrafficSplit('ab', { generative: 0, cascade: 1 }))).toEqual({ cascade: 10_000 });
    expect(() => new TrafficSplit('ab', {})).toThrow('experiment "ab": split has no bucket');
    expect(() => new TrafficSplit('ab', { generative: -1, cascade: 2 })).toThrow(
      'experiment "ab": split.generative must be a finite weight >= 0, got -1',
    );
    expect(() => new TrafficSplit('ab', { generative: 0 })).toThrow(
      'experiment "ab": split weights sum to 0',
    );
  });
});
