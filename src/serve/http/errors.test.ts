import { describe, expect, it } from 'vitest';
import type { Logger } from '../../core/index.js';
import { testApp } from '../test-support/test-app.js';
import { toApiError } from './errors.js';

describe('toApiError', () => {
  it('answers a form body the runtime cannot parse with a 400, logging nothing (fuzz finding)', async () => {
    const logged: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (message) => void logged.push(message),
    };
    const { app, store } = await testApp({ logger });
    // As the dashboard's login and logout read their forms, on the same app.
    app.post('/form', async (c) => c.json(await c.req.parseBody()));
    const broken: [string, string][] = [
      ['multipart/form-data; boundary=fuzz', '--fuzz\r\n'],
      ['multipart/form-data', 'key=a'],
      ['multipart/form-data; boundary=fuzz', '--fuzz\r\nContent-Disposition: form-data\r\n\r\nx'],
    ];
    for (const [type, body] of broken) {
      const response = await app.request('/form', {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      expect({ type, body, status: response.status }).toEqual({ type, body, status: 400 });
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('malformed_form');
    }
    const fine = await app.request('/form', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'key=a',
    });
    expect(await fine.json()).toEqual({ key: 'a' });
    expect(logged).toEqual([]);
    await store.close();
  });

  it('keeps any other TypeError a logged 500', () => {
    const logged: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (message) => void logged.push(message),
    };
    const error = toApiError(new TypeError('Cannot read properties of undefined'), logger, 'GET /x');
    expect(error.status).toBe(500);
    expect(logged).toHaveLength(1);
  });
});
