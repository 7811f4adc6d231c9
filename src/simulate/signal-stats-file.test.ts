import { describe, expect, it } from 'vitest';
import { parseSignalStats } from './signal-stats-file.js';
import { checkedPairs, conditionalRate, SignalCounter, signalRate } from './signals.js';
import { shippedSummary } from './summary.js';

const text = `over the 1,000 standard-policy interactions

| signal     | positives | rate     |
|------------|-----------|----------|
| is_click   | 500   | 0.5   |
| long_view  | 300   | 0.3   |
| is_like    | 20    | 0.02  |
| is_comment | 5     | 0.005 |
| is_follow  | 4     | 0.004 |
| is_forward | 3     | 0.003 |
| is_hate    | 2     | 0.002 |

| | hate | forward | follow | comment | like | long_view | click |
|---|---|---|---|---|---|---|---|
| hate      | 2 | 0 | 0 | 0 | 0 | 1 | 1 |
| forward   | 0 | 3 | 0 | 0 | 1 | 2 | 3 |
| follow    | 0 | 0 | 4 | 0 | 2 | 3 | 4 |
| comment   | 0 | 0 | 0 | 5 | 1 | 4 | 5 |
| like      | 0 | 1 | 2 | 1 | 20 | 15 | 18 |
| long_view | 1 | 2 | 3 | 4 | 15 | 300 | 299 |
| click     | 1 | 3 | 4 | 5 | 18 | 299 | 500 |
`;

describe('signal statistics', () => {
  it('parses the SIGNAL_STATS.md tables', () => {
    const stats = parseSignalStats(text, 'SIGNAL_STATS.md');
    expect(stats.interactions).toBe(1000);
    expect(signalRate(stats, 'is_click')).toBe(0.5);
    expect(conditionalRate(stats, 'is_like', 'long_view')).toBe(15 / 300);
  });

  it('rejects a table whose diagonal disagrees with the positives', () => {
    expect(() =>
      parseSignalStats(
        text.replace('| like      | 0 | 1 | 2 | 1 | 20 |', '| like      | 0 | 1 | 2 | 1 | 21 |'),
        'S.md',
      ),
    ).toThrow(/S.md: is_like has 20 positives but 21 on the co-occurrence diagonal/);
    expect(() => parseSignalStats(text.replace('| is_hate    | 2 ', '| hate_x | 2 '), 'S.md')).toThrow(
      /no rate row for is_hate/,
    );
  });

  it('checks P(rarer | commoner) for pairs seen at least 100 times in the targets', () => {
    const pairs = checkedPairs(shippedSummary().signalStats as never);
    expect(pairs).toContainEqual({ signal: 'is_like', given: 'long_view' });
    expect(pairs).toContainEqual({ signal: 'is_follow', given: 'is_like' });
    // hate and follow co-occur once in 1.4M impressions: no structure to hold.
    expect(pairs).not.toContainEqual({ signal: 'is_hate', given: 'is_follow' });
  });

  it('counts joint positives', () => {
    const counter = new SignalCounter();
    counter.add([0, 0, 0, 0, 1, 1, 1]);
    counter.add([0, 0, 0, 0, 0, 0, 1]);
    const stats = counter.stats();
    expect(stats.interactions).toBe(2);
    expect(stats.positives.is_click).toBe(2);
    expect(stats.cooccurrence.is_like.long_view).toBe(1);
    expect(conditionalRate(stats, 'is_like', 'is_click')).toBe(0.5);
  });
});
