import { describe, expect, it } from 'vitest';
import { smoothCircular } from './circular-smoothing.js';
import { creatorPostingTimes } from './creator-posting-times.js';
import { decayWeight, fanActivity, uploadCompetition } from './fan-activity.js';
import { formatHourOfWeek, hourOfWeek } from './hour-of-week.js';
import { shareInWindows, suggestPostingTimes } from './posting-times.js';
import { type CreatorEvent, type CreatorItem, HOUR_MS } from './types.js';

const monday = Date.UTC(2024, 0, 1); // 2024-01-01 was a Monday

describe('hourOfWeek', () => {
  it('counts from Monday 00:00 UTC and honours the offset', () => {
    expect(hourOfWeek(monday)).toBe(0);
    expect(hourOfWeek(monday + 43 * HOUR_MS + 59_000)).toBe(43);
    expect(formatHourOfWeek(43)).toBe('Tue 19:00');
    expect(hourOfWeek(monday - HOUR_MS)).toBe(167);
    expect(hourOfWeek(monday, 8)).toBe(8);
  });
});

describe('smoothCircular', () => {
  it('wraps around and keeps the total', () => {
    const values = new Float64Array(24);
    values[0] = 10;
    const smoothed = smoothCircular(values, 1.5);
    expect(smoothed[23]).toBeCloseTo(smoothed[1]!, 12);
    expect(smoothed[22]).toBeCloseTo(smoothed[2]!, 12);
    expect(smoothed[0]).toBeGreaterThan(smoothed[1]!);
    expect(smoothed.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 10);
    expect([...smoothCircular(values, 0)]).toEqual([...values]);
  });
});

describe('posting times', () => {
  // Two fans (they followed) who watch on Tuesday evenings; a third user watches Saturday mornings.
  const items: CreatorItem[] = [
    { id: 'own', author: 'me' },
    { id: 'other', author: 'them', uploadTime: monday + 44 * HOUR_MS },
  ];
  const events: CreatorEvent[] = [];
  for (const user of ['fan1', 'fan2']) {
    events.push({ userId: user, itemId: 'own', time: monday + 40 * HOUR_MS, signals: { follow: 1 } });
    for (let week = 0; week < 3; week++) {
      for (const hour of [43, 43, 44, 44, 44, 45]) {
        events.push({ userId: user, itemId: 'other', time: monday + (week * 168 + hour) * HOUR_MS + 60_000 });
      }
    }
  }
  for (let k = 0; k < 50; k++)
    events.push({ userId: 'stranger', itemId: 'own', time: monday + 130 * HOUR_MS });

  it('takes the followers as fans and bins all their activity', () => {
    const { fans, activity } = fanActivity('me', events, items, { halfLifeDays: Number.POSITIVE_INFINITY });
    expect(fans).toEqual(['fan1', 'fan2']);
    expect(activity[44]).toBe(18);
    expect(activity[130]).toBe(0);
    // Recency weighting: seen from the end of week 3, events of one half-life ago count half.
    const until = monday + (2 * 168 + 44) * HOUR_MS + 60_000;
    const recent = fanActivity('me', events, items, { halfLifeDays: 7, until: until + 1 });
    expect(recent.activity[44]).toBeCloseTo(6 * (1 + 0.5 + 0.25), 6);
    // Week 3's 21:00 events are after `until`; the earlier ones are 1 h younger than a whole number of weeks.
    expect(recent.activity[45]).toBeCloseTo(2 * (2 ** -(335 / 168) + 2 ** -(167 / 168)), 6);
    expect(decayWeight(14 * 86_400_000, 14)).toBeCloseTo(0.5, 12);
    expect(decayWeight(5, Number.POSITIVE_INFINITY)).toBe(1);
  });

  it('picks the obvious window', () => {
    const { activity } = fanActivity('me', events, items);
    const [best] = suggestPostingTimes(activity, { windowHours: 2, count: 1 });
    expect([43, 44]).toContain(best!.start);
    expect(best!.label).toMatch(/^Tue (19|20):00-/);
    expect(best!.activityShare).toBeGreaterThan(0.6);
  });

  it('returns non-overlapping windows and moves away from crowded hours', () => {
    const activity = new Float64Array(168);
    activity[20] = 10;
    activity[100] = 9;
    const windows = suggestPostingTimes(activity, { windowHours: 3, count: 2, bandwidth: 0 });
    expect(windows.map((window) => window.start).sort((a, b) => a - b)).toEqual([18, 98]);
    const crowd = new Float64Array(168);
    for (let h = 15; h < 25; h++) crowd[h] = 50;
    const [first] = suggestPostingTimes(activity, {
      windowHours: 3,
      count: 1,
      bandwidth: 0,
      competition: crowd,
    });
    expect(first!.start).toBe(98);
    expect(uploadCompetition('me', items)[44]).toBe(1);
    expect(uploadCompetition('them', items)[44]).toBe(0);
  });

  it('measures the share of activity inside windows, wrapping at the week end', () => {
    const activity = new Float64Array(168);
    activity[167] = 1;
    activity[0] = 1;
    activity[50] = 2;
    expect(shareInWindows(activity, [{ start: 167, hours: 2 }])).toBe(0.5);
  });
});

describe('daily pooling', () => {
  it('borrows the hour-of-day profile where the week is sparse', () => {
    // One event each on Mon, Tue and Wed at 20:00, and 1.5 on Sunday 03:00: the week alone prefers
    // Sunday 03:00, the pooled profile says 20:00 (three days out of three).
    const activity = new Float64Array(168);
    for (const day of [0, 1, 2]) activity[day * 24 + 20] = 1;
    activity[6 * 24 + 3] = 1.5;
    const raw = suggestPostingTimes(activity, { windowHours: 1, count: 1, bandwidth: 0, dailyPooling: 0 });
    expect(raw[0]!.start).toBe(6 * 24 + 3);
    const pooled = suggestPostingTimes(activity, {
      windowHours: 1,
      count: 1,
      bandwidth: 0,
      dailyPooling: 0.8,
    });
    expect(pooled[0]!.start % 24).toBe(20);
    expect(() => suggestPostingTimes(activity, { dailyPooling: 2 })).toThrow(/dailyPooling 2/);
  });
});

describe('creatorPostingTimes', () => {
  it('answers with the fans, their weighted events and the windows; no fans, no windows', () => {
    const items: CreatorItem[] = [
      { id: 'own', author: 'me' },
      { id: 'x', author: 'other' },
    ];
    const events: CreatorEvent[] = [];
    for (const user of ['a', 'b']) {
      for (let day = 0; day < 14; day++)
        events.push({ userId: user, itemId: 'own', time: monday + (day * 24 + 21) * HOUR_MS });
    }
    const answer = creatorPostingTimes('me', events, items, {
      count: 1,
      windowHours: 1,
      halfLifeDays: Number.POSITIVE_INFINITY,
    });
    expect(answer.fans).toBe(2);
    expect(answer.events).toBe(28);
    expect(answer.windows[0]!.start % 24).toBe(21);
    expect(creatorPostingTimes('other', events, items)).toEqual({ fans: 0, events: 0, windows: [] });
  });
});
