import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiTitleProvider, TitleProviderError } from './openai-title-provider.js';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A local server speaking the `/v1/chat/completions` wire format; each test sets what it answers. */
let handler: Handler = () => {};
let server: Server;
let baseUrl = '';
const requests: Array<{ path: string; body: Record<string, unknown>; auth: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      requests.push({ path: request.url ?? '', body: JSON.parse(body), auth: request.headers.authorization });
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function completion(content: string): string {
  return JSON.stringify({
    id: 'x',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content } }],
  });
}

const draft = { caption: '小猫咪第一次洗澡', hashtags: ['萌宠'], categories: ['宠物'] };

describe('OpenAiTitleProvider', () => {
  it('asks for JSON and returns the validated titles', async () => {
    requests.length = 0;
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completion('```json\n{"titles": ["猫咪洗澡记", "第一次洗澡的小猫", "洗澡啦"]}\n```'));
    };
    const provider = new OpenAiTitleProvider({ baseUrl, model: 'keye', apiKey: 'secret', backoffMs: 1 });
    const titles = await provider.suggest(draft, 2);
    expect(titles.map((title) => title.title)).toEqual(['猫咪洗澡记', '第一次洗澡的小猫']);
    expect(titles[0]!.source).toBe('llm');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.path).toBe('/v1/chat/completions');
    expect(requests[0]!.auth).toBe('Bearer secret');
    expect(requests[0]!.body.model).toBe('keye');
    expect(JSON.stringify(requests[0]!.body.messages)).toContain('小猫咪第一次洗澡');
  });

  it('retries a malformed answer, then succeeds', async () => {
    requests.length = 0;
    let calls = 0;
    handler = (_request, _body, response) => {
      calls++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        calls === 1 ? completion('Sure! Here are some titles: 1. ...') : completion('{"titles": ["好标题"]}'),
      );
    };
    const provider = new OpenAiTitleProvider({ baseUrl, model: 'm', backoffMs: 1 });
    const titles = await provider.suggest(draft, 3);
    expect(titles.map((title) => title.title)).toEqual(['好标题']);
    expect(requests).toHaveLength(2);
  });

  it('rejects answers that stay malformed, naming each failure', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completion('{"titles": []}'));
    };
    const provider = new OpenAiTitleProvider({ baseUrl, model: 'm', retries: 1, backoffMs: 1 });
    const failure = provider.suggest(draft, 3);
    await expect(failure).rejects.toThrow(TitleProviderError);
    await expect(failure).rejects.toThrow(/attempt 1: answer is not .*attempt 2: answer is not/);
  });

  it('gives up after timeouts, and does not retry a client error', async () => {
    handler = () => {}; // never answers
    const slow = new OpenAiTitleProvider({ baseUrl, model: 'm', timeoutMs: 100, retries: 1, backoffMs: 1 });
    const started = Date.now();
    await expect(slow.suggest(draft, 3)).rejects.toThrow(/attempt 1: timed out; attempt 2: timed out/);
    expect(Date.now() - started).toBeLessThan(2000);

    requests.length = 0;
    handler = (_request, _body, response) => {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{"error": "bad key"}');
    };
    const unauthorised = new OpenAiTitleProvider({ baseUrl, model: 'm', retries: 3, backoffMs: 1 });
    await expect(unauthorised.suggest(draft, 3)).rejects.toThrow(/HTTP 401/);
    expect(requests).toHaveLength(1);
    expect(() => new OpenAiTitleProvider({ baseUrl: 'localhost:1', model: 'm' })).toThrow(
      /must start with http/,
    );
  });
});
