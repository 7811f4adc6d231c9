import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../data/index.js';
import { readImpressionLog } from './read-impression-log.js';

const header =
  'user_id,video_id,date,hourmin,time_ms,is_click,is_like,is_follow,is_comment,is_forward,is_hate,long_view,play_time_ms,duration_ms,profile_stay_time,comment_stay_time,is_profile_enter,is_rand,tab';
const day = Date.parse('2022-04-08T10:00:00Z');

function line(user: string, video: string, timeMs: number, click: number, playMs: number): string {
  return `${user},${video},20220408,1000,${timeMs},${click},0,0,0,0,0,0,${playMs},20000,0,0,0,0,0`;
}

describe('readImpressionLog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reward-log-'));

  it('rebuilds pages: a session cut into pages of pageSize, a new session after a pause', async () => {
    const rows: string[] = [];
    let time = day;
    for (let k = 0; k < 5; k++) {
      rows.push(line('u1', `v${k}`, time, 1, 3000));
      time += 4000; // 3 s play + 1 s swipe
    }
    rows.push(line('u1', 'v9', time + 3_600_000, 0, 500)); // an hour later
    rows.push(line('u2', 'v1', day + 86_400_000, 1, 3000)); // next day
    const path = join(dir, 'log.csv');
    writeFileSync(path, `${header}\n${rows.join('\n')}\n`);
    const { log, users, items } = await readImpressionLog(path, { pageSize: 2 });
    expect(Array.from(log.request)).toEqual([0, 0, 1, 1, 2, 3, 4]);
    expect(Array.from(log.position)).toEqual([0, 1, 0, 1, 0, 0, 0]);
    expect(Array.from(log.day)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(log.hour[0]).toBe(10);
    expect(users.size).toBe(2);
    expect(items.size).toBe(6);
    expect(log.signals[0]).toBe(1); // is_click first
  });

  it('names the file and line of a bad row, and unknown items of a fixed index', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, `${header}\nu1,v1,20220408,1000,notatime,1,0,0,0,0,0,0,1,2,0,0,0,0,0\n`);
    await expect(readImpressionLog(path)).rejects.toThrow(/bad\.csv/);
    const good = join(dir, 'good.csv');
    writeFileSync(good, `${header}\n${line('u1', 'v7', day, 1, 100)}\n`);
    await expect(readImpressionLog(good, { items: new IdIndex() })).rejects.toThrow(/v7 is not known/);
  });
});
