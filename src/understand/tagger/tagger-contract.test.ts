import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiVisionTagger } from '../vlm/index.js';
import { EmbeddedTagger } from './embedded-tagger.js';
import type { Tagger } from './tagger.js';

/** A local chat-completions server that always answers one valid tagging. */
let server: Server;
let baseUrl = '';
beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = {
        categories: ['美食'],
        elements: ['红烧肉'],
        actions: ['烹饪'],
        emotions: ['joy'],
        language: 'zh',
        topics: ['美食'],
        aiGenerated: false,
        onScreenText: '',
      };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ choices: [{ message: { role: 'assistant', content: JSON.stringify(answer) } }] }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const providers: [string, () => Tagger][] = [
  ['embedded', () => new EmbeddedTagger()],
  ['openai-vision', () => new OpenAiVisionTagger({ baseUrl, model: 'test-vl', retries: 0 })],
];

describe.each(providers)('Tagger contract: %s', (_, make) => {
  it('returns every field with its documented type and a unit-length vector', async () => {
    const result = await make().tag({ caption: '红烧肉的家常做法，太好吃了', hashtags: ['美食', '上热门'] });
    expect(result.categories.length).toBeLessThanOrEqual(3);
    expect(result.categories.every((name) => typeof name === 'string' && name !== '')).toBe(true);
    for (const kind of ['elements', 'actions', 'emotions'] as const) {
      expect(Array.isArray(result.tags[kind])).toBe(true);
    }
    expect(['zh', 'en', 'mixed', 'other']).toContain(result.language);
    expect(result.topics).not.toContain('上热门');
    expect(result.aiGenerated === undefined || typeof result.aiGenerated === 'boolean').toBe(true);
    expect(result.vector).toBeInstanceOf(Float32Array);
    const norm = Math.hypot(...result.vector);
    expect(norm).toBeCloseTo(1, 4);
    expect(result.sentiment).toBeGreaterThanOrEqual(-1);
    expect(result.sentiment).toBeLessThanOrEqual(1);
    expect(Array.isArray(result.notes)).toBe(true);
  });

  it('tags a video with no text without failing', async () => {
    const result = await make().tag({});
    expect(['zh', 'en', 'mixed', 'other']).toContain(result.language);
    expect(result.topics).toEqual(result.topics.filter((topic) => topic !== ''));
  });
});
