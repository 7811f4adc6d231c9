import { describe, expect, it } from 'vitest';
import { readMovieLensRatings } from './read-movielens-ratings.js';
import { createReadReport } from './read-report.js';
import { collect, fixture, rejection } from './test-support/collect.js';
import { describeMalformedCsv } from './test-support/malformed-csv.js';
import { useTempDir } from './test-support/temp-dir.js';

const temp = useTempDir();

describe('readMovieLensRatings', () => {
  it('reads the rating as label and the timestamp as time', async () => {
    const ratings = await collect(readMovieLensRatings(fixture('movielens', 'ratings.csv')));
    expect(ratings).toHaveLength(5);
    expect(ratings[1]).toEqual({ user: '1', item: '20', label: 3.5, time: 964981247 });
  });

  it('with refuseCutRows, refuses a timestamp before 1995 (a row cut short), naming its line', async () => {
    const path = await temp.write(
      'ratings.csv',
      'userId,movieId,rating,timestamp\n1,10,4.0,964982703\n1,1580,3.0,9649\n1,20,3.5,789652009\n1,30,1.0,-99999999999999999\n',
    );
    expect(await collect(readMovieLensRatings(path))).toHaveLength(4);
    const error = await rejection(collect(readMovieLensRatings(path, { refuseCutRows: true })));
    expect(error.message).toBe(
      'Cannot parse line 3 of ratings.csv: field "timestamp": 9649 (1970-01-01T02:40:49Z) is before MovieLens began (1995): the row may be cut short',
    );
    const report = createReadReport();
    const kept = await collect(
      readMovieLensRatings(path, { refuseCutRows: true, skipBadRows: true, report }),
    );
    expect(kept.map((rating) => rating.item)).toEqual(['10', '20']);
    expect(report).toMatchObject({ rows: 2, skipped: 2 });
    expect(report.errors[1]).toBe(
      'Cannot parse line 5 of ratings.csv: field "timestamp": -100000000000000000 is before MovieLens began (1995): the row may be cut short',
    );
  });
});

describeMalformedCsv({
  file: 'ratings.csv',
  read: readMovieLensRatings,
  header: 'userId,movieId,rating,timestamp',
  required: ['userId', 'movieId', 'rating', 'timestamp'],
  row: '1,10,4.0,964982703',
  badValue: { row: '1,10,abc,964982703', message: 'field "rating": expected a number, got "abc"' },
});
