import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CategoryClassifier } from '../category/index.js';
import { extractFrames, ffmpegAvailable, splitJpegStream } from '../media/index.js';
import { KeywordExtractor, segment } from '../text/index.js';
import { declaredAiGenerated } from './ai-generated.js';
import { cleanTopics } from './clean-topics.js';
import { EmbeddedTagger } from './embedded-tagger.js';
import { HASHED_VECTOR_DIM, hashedTextVector } from './hashed-vector.js';

const folder = mkdtempSync(join(tmpdir(), 'genfeed-tagger-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const catalogue = [
  '周末和朋友去球场打篮球',
  '今天做红烧肉，超级好吃',
  '家里的猫咪在睡觉',
  '篮球比赛精彩瞬间',
  '红烧肉的家常做法',
];

describe('EmbeddedTagger', () => {
  const classifier = CategoryClassifier.fit(
    [
      { content: { caption: '打篮球 投篮 球场' }, path: ['体育', '篮球'] },
      { content: { caption: '篮球 比赛 扣篮' }, path: ['体育', '篮球'] },
      { content: { caption: '红烧肉 做法 好吃' }, path: ['美食'] },
      { content: { caption: '炒菜 厨房 好吃' }, path: ['美食'] },
    ],
    { dim: 8, epochs: 40, lr: 0.05, featureDropout: 0 },
  );
  const keywords = new KeywordExtractor().fit(catalogue.map((caption) => segment(caption)));
  const tagger = new EmbeddedTagger({ classifier, keywords });

  it('tags a caption: categories, elements, actions, emotions, language, topics, vector', async () => {
    const result = await tagger.tag({
      caption: '周末和朋友去球场打篮球，太开心了',
      hashtags: ['#篮球#', '感谢快手我要上热门', '篮球', 'NBA'],
    });
    expect(result.categories).toEqual(['体育', '篮球']);
    expect(result.tags.elements).toContain('球场');
    expect(result.tags.actions.length + result.tags.elements.length).toBeGreaterThan(1);
    expect(result.tags.emotions).toEqual(['joy']);
    expect(result.sentiment).toBeGreaterThan(0);
    expect(result.language).toBe('zh');
    expect(result.topics).toEqual(['篮球', 'nba']);
    expect(result.aiGenerated).toBeUndefined();
    expect(result.vector).toHaveLength(8);
    expect(result.keywords.length).toBeGreaterThan(0);
  });

  it('works without a model, with the hashed vector and a note', async () => {
    const result = await new EmbeddedTagger().tag({ caption: 'AI生成的赛博朋克城市 #aigc' });
    expect(result.categories).toEqual([]);
    expect(result.aiGenerated).toBe(true);
    expect(result.vector).toHaveLength(HASHED_VECTOR_DIM);
    expect(result.notes.join(' ')).toMatch(/no category model/);
  });

  it('skips frames cleanly when ffmpeg is missing', async () => {
    const video = join(folder, 'clip.mp4');
    writeFileSync(video, 'not really a video');
    const result = await new EmbeddedTagger({ frames: { ffmpegPath: join(folder, 'no-ffmpeg-here') } }).tag({
      caption: '猫咪',
      mediaPath: video,
    });
    expect(result.notes.join(' ')).toMatch(/no-ffmpeg-here not found: frames skipped/);
  });

  it('names a missing media file', async () => {
    await expect(tagger.tag({ mediaPath: join(folder, 'absent.mp4') })).rejects.toThrow(
      /absent\.mp4: no such file/,
    );
  });
});

describe('media', () => {
  it('splits a stream of concatenated JPEGs', () => {
    const a = [0xff, 0xd8, 1, 2, 0xff, 0xd9];
    const b = [0xff, 0xd8, 3, 4, 5, 0xff, 0xd9];
    expect(splitJpegStream(Uint8Array.from([...a, ...b])).map((f) => [...f])).toEqual([a, b]);
  });

  it.skipIf(!ffmpegAvailable())('reads frames from a generated test video with ffmpeg', async () => {
    const video = join(folder, 'test.mp4');
    spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=3:size=64x48:rate=5', video]);
    const { frames } = await extractFrames(video, { count: 2, intervalSeconds: 1 });
    expect(frames).toHaveLength(2);
    expect([frames[0]![0], frames[0]![1]]).toEqual([0xff, 0xd8]);
  });
});

describe('topics, AIGC flag and hashed vectors', () => {
  it('cleans hashtags', () => {
    expect(cleanTopics(['#美食#', '美食', ' 求关注 ', '上热门', 'ＢＢＱ', ''])).toEqual(['美食', 'bbq']);
  });

  it('flags declared AI generation only', () => {
    expect(declaredAiGenerated('本视频由AI生成')).toBe(true);
    expect(declaredAiGenerated('made with Midjourney')).toBe(true);
    expect(declaredAiGenerated('今天去爬山')).toBeUndefined();
  });

  it('puts texts sharing words closer than unrelated ones', () => {
    const dot = (x: Float32Array, y: Float32Array): number => x.reduce((sum, v, i) => sum + v * y[i]!, 0);
    const a = hashedTextVector({ caption: '篮球比赛精彩瞬间' });
    const b = hashedTextVector({ caption: '篮球比赛集锦' });
    const c = hashedTextVector({ caption: '红烧肉家常做法' });
    expect(dot(a, a)).toBeCloseTo(1, 5);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c) + 0.2);
    expect([...hashedTextVector({})].every((v) => v === 0)).toBe(true);
  });
});
