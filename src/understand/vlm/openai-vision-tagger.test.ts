import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiVisionTagger, parseVlmAnswer, VlmError } from './openai-vision-tagger.js';

/** A local server speaking the OpenAI chat-completions wire format, answering from a script. */
type Reply = { status?: number; content?: string; raw?: string; delayMs?: number };
let script: Reply[] = [];
const requests: { path: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
let server: Server;
let baseUrl: string;

const GOOD = {
  categories: ['体育', '篮球'],
  elements: ['篮球', '球场'],
  actions: ['投篮'],
  emotions: ['joy'],
  language: 'zh',
  topics: ['nba'],
  aiGenerated: null,
  onScreenText: '',
};

function completion(content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  });
}

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      requests.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(body) });
      const reply = script.shift() ?? { content: JSON.stringify(GOOD) };
      const send = (): void => {
        if (response.destroyed) return;
        response.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
        response.end(reply.raw ?? completion(reply.content ?? ''));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  script = [];
  requests.length = 0;
});

const tagger = (options: Partial<ConstructorParameters<typeof OpenAiVisionTagger>[0]> = {}) =>
  new OpenAiVisionTagger({ baseUrl, model: 'keye-vl', backoffMs: 5, timeoutMs: 2_000, ...options });

describe('OpenAiVisionTagger against a local chat-completions server', () => {
  it('sends the prompt, frames as image_url parts and the schema, and maps a good answer', async () => {
    const frame = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9);
    const result = await tagger({ apiKey: 'secret' }).tag({
      caption: '周末打篮球',
      hashtags: ['NBA'],
      frames: [frame],
    });
    expect(result.categories).toEqual(['体育', '篮球']);
    expect(result.tags).toEqual({ elements: ['篮球', '球场'], actions: ['投篮'], emotions: ['joy'] });
    expect(result.language).toBe('zh');
    expect(result.topics).toEqual(['nba']);
    expect(result.aiGenerated).toBeUndefined();
    expect(result.vector.length).toBeGreaterThan(0);
    const [request] = requests;
    expect(request!.path).toBe('/v1/chat/completions');
    expect(request!.headers.authorization).toBe('Bearer secret');
    expect(request!.body.model).toBe('keye-vl');
    expect((request!.body.response_format as { type: string }).type).toBe('json_schema');
    const messages = request!.body.messages as { role: string; content: unknown }[];
    expect(messages[0]!.role).toBe('system');
    const parts = messages[1]!.content as { type: string; text?: string; image_url?: { url: string } }[];
    expect(parts[0]!.text).toContain('周末打篮球');
    expect(parts[1]!.image_url!.url).toBe(`data:image/jpeg;base64,${Buffer.from(frame).toString('base64')}`);
  });

  it('accepts an answer wrapped in a Markdown code fence', async () => {
    script = [{ content: `\`\`\`json\n${JSON.stringify({ ...GOOD, aiGenerated: true })}\n\`\`\`` }];
    const result = await tagger().tag({ caption: 'x' });
    expect(result.aiGenerated).toBe(true);
  });

  it('retries malformed JSON and gives up with a clear error', async () => {
    script = [
      { content: 'Sure! Here are the tags: sports' },
      { content: '{"categories": [' },
      { content: 'nope' },
    ];
    const failure = tagger({ retries: 2 }).tag({ caption: 'x' });
    await expect(failure).rejects.toThrow(VlmError);
    await expect(failure).rejects.toThrow(/after 3 attempts; last: answer is not JSON: nope/);
    expect(requests).toHaveLength(3);
  });

  it('rejects answers that violate the schema, naming the field', async () => {
    script = [{ content: JSON.stringify({ ...GOOD, language: 'klingon' }) }];
    await expect(tagger({ retries: 0 }).tag({ caption: 'x' })).rejects.toThrow(/schema: language/);
    script = [{ content: JSON.stringify({ ...GOOD, extra: 1 }) }];
    await expect(tagger({ retries: 0 }).tag({ caption: 'x' })).rejects.toThrow(/schema/);
  });

  it('times out a slow server and succeeds on the retry', async () => {
    script = [{ content: JSON.stringify(GOOD), delayMs: 1_000 }, { content: JSON.stringify(GOOD) }];
    const result = await tagger({ timeoutMs: 150, retries: 1 }).tag({ caption: 'x' });
    expect(result.categories).toEqual(['体育', '篮球']);
    expect(requests).toHaveLength(2);
  });

  it('fails with the timeout named when every attempt is too slow', async () => {
    script = [{ delayMs: 1_000, content: '{}' }];
    await expect(tagger({ timeoutMs: 100, retries: 0 }).tag({ caption: 'x' })).rejects.toThrow(
      /no answer within 100 ms/,
    );
  });

  it('retries HTTP 500s, then succeeds', async () => {
    script = [
      { status: 500, raw: '{"error":"overloaded"}' },
      { status: 503, raw: 'busy' },
      { content: JSON.stringify(GOOD) },
    ];
    const result = await tagger({ retries: 2 }).tag({ caption: 'x' });
    expect(result.tags.actions).toEqual(['投篮']);
    expect(requests).toHaveLength(3);
  });

  it('does not retry a client error such as an unknown model', async () => {
    script = [{ status: 404, raw: '{"error":"model not found"}' }];
    await expect(tagger({ retries: 3 }).tag({ caption: 'x' })).rejects.toThrow(/HTTP 404: .*model not found/);
    expect(requests).toHaveLength(1);
  });

  it('rejects a body that is not a chat completion', async () => {
    script = [{ raw: '{"result": "ok"}' }];
    await expect(tagger({ retries: 0 }).tag({ caption: 'x' })).rejects.toThrow(/not a chat completion/);
  });

  it('names a bad base URL', () => {
    expect(() => new OpenAiVisionTagger({ baseUrl: 'not a url', model: 'm' })).toThrow(/baseUrl "not a url"/);
  });
});

describe('parseVlmAnswer', () => {
  it('parses the schema object and rejects a missing field', () => {
    expect(parseVlmAnswer(JSON.stringify(GOOD)).categories).toEqual(['体育', '篮球']);
    const { topics: _, ...withoutTopics } = GOOD;
    expect(() => parseVlmAnswer(JSON.stringify(withoutTopics))).toThrow(/topics/);
  });
});
