import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => void stdout.push(text),
    logger: {
      info: (message) => void stderr.push(message),
      warn: (message) => void stderr.push(`warning: ${message}`),
      error: (message) => void stderr.push(`error: ${message}`),
      debug: () => {},
    },
    interactive: false,
  };
}

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'genfeed', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};

/**
 * A KuaiRand-format folder: author 7 posts videos 1-2 (tag 5), author 8 video 3 (tag 9).
 * Users 1-3 watch author 7 on Tuesday evenings 19:xx UTC over four weeks; user 4 watches
 * video 3 on Saturday mornings, and a lot of it in the last day (a burst of tag 9).
 */
function kuaiRandFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'genfeed-assistant-'));
  const header =
    'video_id,author_id,video_type,upload_dt,upload_type,visible_status,video_duration,server_width,server_height,music_id,music_type,tag';
  writeFileSync(
    join(folder, 'video_features_basic_pure.csv'),
    [
      header,
      '1,7,NORMAL,2024-01-01,ShortImport,0.0,10000.0,720.0,1280.0,1,9.0,5',
      '2,7,NORMAL,2024-01-02,ShortImport,0.0,10000.0,720.0,1280.0,1,9.0,5',
      '3,8,NORMAL,2024-01-02,ShortImport,0.0,10000.0,720.0,1280.0,1,9.0,9',
    ].join('\n'),
  );
  const columns =
    'user_id,video_id,date,hourmin,time_ms,is_click,is_like,is_follow,is_comment,is_forward,is_hate,long_view,play_time_ms,duration_ms,profile_stay_time,comment_stay_time,is_profile_enter,is_rand,tab';
  const lines = [columns];
  const line = (user: number, video: number, time: number) => {
    const date = new Date(time);
    const day = date.toISOString().slice(0, 10).replaceAll('-', '');
    const hourmin = date.getUTCHours() * 100 + date.getUTCMinutes();
    lines.push(`${user},${video},${day},${hourmin},${time},1,0,0,0,0,0,1,9000,10000,0,0,0,0,1`);
  };
  const tuesday = Date.UTC(2024, 0, 2, 19, 10);
  for (let week = 0; week < 4; week++) {
    for (const user of [1, 2, 3])
      for (const video of [1, 2]) line(user, video, tuesday + week * 7 * 86_400_000 + user * 60_000);
    line(4, 3, Date.UTC(2024, 0, 6, 9, 0) + week * 7 * 86_400_000);
  }
  for (let k = 0; k < 30; k++) line(4, 3, Date.UTC(2024, 0, 27, 10, k));
  writeFileSync(join(folder, 'log_standard_4_08_to_4_21_pure.csv'), `${lines.join('\n')}\n`);
  return folder;
}

describe('genfeed assistant', () => {
  const folder = kuaiRandFolder();

  it('posting-times suggests the window when the fans watch', async () => {
    const result = await run(
      'assistant',
      'posting-times',
      '--data',
      folder,
      '--creator',
      '7',
      '--windows',
      '1',
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain('3 fans');
    expect(result.out).toMatch(/Tue (18|19):00-/);
    const shifted = await run(
      ...[
        'assistant',
        'posting-times',
        '--data',
        folder,
        '--creator',
        '7',
        '--windows',
        '1',
        '--utc-offset',
        '8',
      ],
      '--json',
    );
    const answer = JSON.parse(shifted.out) as { windows: Array<{ label: string }> };
    expect(answer.windows[0]!.label).toMatch(/^Wed 0[23]:00/);
  });

  it('trends finds the bursting tag; a creator with no items is a clear error', async () => {
    const result = await run('assistant', 'trends', '--data', folder, '--window', '1', '--json');
    expect(result.code).toBe(0);
    const trends = JSON.parse(result.out) as Array<{ topic: string; count: number }>;
    expect(trends[0]).toMatchObject({ topic: '#9', count: 31 }); // the burst and the usual Saturday view
    const missing = await run('assistant', 'trends', '--data', folder, '--creator', '99');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('Creator 99 has no items');
  });

  it('titles mines captions of a MovieLens folder', async () => {
    const movies = mkdtempSync(join(tmpdir(), 'genfeed-assistant-ml-'));
    const titles = [
      'Star Battle (1990),Action|Sci-Fi',
      'Star Battle II (1992),Action|Sci-Fi',
      'Quiet Garden (1995),Drama',
      'Garden Party (1996),Comedy',
      'Robot Wars (1999),Action|Sci-Fi',
    ];
    writeFileSync(
      join(movies, 'movies.csv'),
      `movieId,title,genres\n${titles.map((title, k) => `${k + 1},${title}`).join('\n')}\n`,
    );
    const ratings = ['userId,movieId,rating,timestamp'];
    for (let user = 1; user <= 8; user++)
      for (const movie of [1, 2, 5].slice(0, 1 + (user % 3)))
        ratings.push(`${user},${movie},4.0,${1_000_000 + user}`);
    ratings.push('1,3,3.0,1000100', '2,4,3.0,1000200');
    writeFileSync(join(movies, 'ratings.csv'), `${ratings.join('\n')}\n`);
    const result = await run(
      ...['assistant', 'titles', '--data', movies, '--caption', 'Star Robot Return', '--category', 'Action'],
      ...['--count', '2', '--json'],
    );
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.out) as { titles: Array<{ title: string; source: string }> };
    expect(answer.titles).toHaveLength(2);
    for (const title of answer.titles) expect(title.title).toMatch(/Star Battle|Robot Wars/);
    const bad = await run(
      'assistant',
      'titles',
      '--data',
      movies,
      '--caption',
      'x',
      '--llm-url',
      'http://127.0.0.1:1/v1',
    );
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('--llm-url needs --llm-model');
  });
});
