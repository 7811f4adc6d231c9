import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { tagCommand } from './tag-command.js';

const folder = mkdtempSync(join(tmpdir(), 'genfeed-tag-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => void out.push(text),
    logger: {
      info: (m) => void err.push(m),
      warn: (m) => void err.push(`warning: ${m}`),
      error: (m) => void err.push(`error: ${m}`),
      debug: () => {},
    },
    interactive: false,
  };
  await tagCommand(io).exitOverride().parseAsync(args, { from: 'user' });
  return { out, err };
}

/** A tiny file in the KuaiRec caption schema, written here (two categories). */
function writeCaptions(): string {
  const header =
    'video_id,manual_cover_text,caption,topic_tag,first_level_category_id,first_level_category_name,second_level_category_id,second_level_category_name,third_level_category_id,third_level_category_name';
  const rows = Array.from({ length: 24 }, (_, i) =>
    i % 2 === 0
      ? `${i},UNKNOWN,周末打篮球投篮扣篮,[篮球],1,体育,11,篮球,-124,UNKNOWN`
      : `${i},UNKNOWN,红烧肉家常做法好吃,[美食],2,美食,-124,UNKNOWN,-124,UNKNOWN`,
  );
  const path = join(folder, 'captions.csv');
  writeFileSync(path, `${[header, ...rows].join('\n')}\n`);
  return path;
}

describe('genfeed tag', () => {
  it('tags a caption with the embedded tagger', async () => {
    const { out, err } = await run('--caption', '今天去海边玩，好开心', '--hashtags', '旅行,求关注');
    const result = JSON.parse(out.join('\n'));
    expect(result.language).toBe('zh');
    expect(result.topics).toEqual(['旅行']);
    expect(result.tags.emotions).toContain('joy');
    expect(result.vector.length).toBeGreaterThan(0);
    expect(err.join(' ')).toMatch(/no category model/);
  });

  it('trains a category model, saves it, and tags a JSON-lines file with it', async () => {
    const model = join(folder, 'category.safetensors');
    await run('--train', writeCaptions(), '--model', model, '--epochs', '30');
    const items = join(folder, 'items.jsonl');
    writeFileSync(items, '{"caption":"打篮球扣篮"}\n\n{"caption":"红烧肉做法","hashtags":["美食"]}\n');
    const { out } = await run('--file', items, '--model', model);
    expect(out.map((line) => JSON.parse(line).categories)).toEqual([['体育', '篮球'], ['美食']]);
  });

  it('names the line and field of a bad input file', async () => {
    const items = join(folder, 'bad.jsonl');
    writeFileSync(items, '{"caption":"ok"}\n{"hashtags":"not-a-list"}\n');
    await expect(run('--file', items)).rejects.toThrow(
      /line 2 of .*bad\.jsonl: hashtags must be an array of strings/,
    );
  });

  it('refuses to run with nothing to tag, and --vlm-url without a model name', async () => {
    await expect(run()).rejects.toThrow(/nothing to tag/);
    await expect(run('--caption', 'x', '--vlm-url', 'http://127.0.0.1:9/v1')).rejects.toThrow(/--vlm-model/);
  });
});
