import { describe, expect, it } from 'vitest';
import { feedbackLevel } from './feedback-level.js';
import { ImpressionLogBuilder } from './impression-log.js';
import { longRunProxies } from './long-run-proxies.js';
import { levelPairs } from './pair-loss.js';
import { requestOffsets } from './request-groups.js';
import { satisfactionLevels } from './train-reward.js';

// Signals in binaryHeads order: click, long_view, like, follow, comment, forward, hate, profile_enter.
const none = [0, 0, 0, 0, 0, 0, 0, 0];
const click = [1, 0, 0, 0, 0, 0, 0, 0];
const liked = [1, 1, 1, 0, 0, 0, 0, 0];
const hated = [1, 0, 0, 0, 0, 0, 1, 0];

/**
 * User 0: day 0 a full page of 3 at hour 9, then a page of 2 at hour 9 (the
 * session ends inside it), then a full page at hour 20; day 1 one page. User 1:
 * day 0 a full page at hour 23, nothing on day 1.
 */
function handMadeLog() {
  const builder = new ImpressionLogBuilder(2, 20);
  const page = (user: number, request: number, day: number, hour: number, signals: number[][]) =>
    signals.forEach((s, position) => {
      builder.push({
        user,
        item: request * 3 + position,
        request,
        position,
        day,
        hour,
        durationMs: 10_000,
        playTimeMs: 5_000,
        signals: s,
      });
    });
  page(0, 0, 0, 9, [liked, none, click]);
  page(0, 1, 0, 9, [hated, click]);
  page(0, 2, 0, 20, [none, none, none]);
  page(1, 3, 0, 23, [click, liked, none]);
  page(0, 4, 1, 8, [click, none, none]);
  return builder.build();
}

describe('relative-satisfaction pairs of one request', () => {
  it('orders several positive actions above one above none, a hate below all', () => {
    const log = handMadeLog();
    const offsets = requestOffsets(log);
    expect(Array.from(offsets)).toEqual([0, 3, 5, 8, 11, 14]);
    expect([0, 1, 2, 3].map((row) => feedbackLevel(log.signals, row))).toEqual([3, 0, 1, -1]);
    const levels = satisfactionLevels(log, new Float32Array(log.size * 9), 'none');
    const pairs = levelPairs(levels, offsets.subarray(0, 3));
    // Request 0: liked (3) > click (1) > none (0); request 1: click > hate.
    expect(Array.from(pairs.winners)).toEqual([0, 0, 2, 4]);
    expect(Array.from(pairs.losers)).toEqual([1, 2, 1, 3]);
  });
});

describe('longRunProxies', () => {
  it('derives session continuation from the page and the next request, return from the next day', () => {
    const log = handMadeLog();
    const { continued, returned } = longRunProxies(log, requestOffsets(log), { pageSize: 3 });
    // Request 0: swiped on twice; its last row is followed by request 1 in the same hour.
    // Request 1: a page cut short, so the session ended at its last row.
    // Request 2: a full page, next request on another day: unknown.
    // Request 3: a full page, no next request: unknown. Request 4: full, last in the log.
    expect(Array.from(continued)).toEqual([
      1,
      1,
      1,
      1,
      0,
      1,
      1,
      Number.NaN,
      1,
      1,
      Number.NaN,
      1,
      1,
      Number.NaN,
    ]);
    // User 0 is back on day 1, user 1 is not; day 1 is the log's last day.
    expect(Array.from(returned)).toEqual([1, 1, 1, 0, Number.NaN]);
  });
});
