import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp, testKeys } from './test-support/test-app.js';

let api: TestApp;
beforeAll(async () => {
  api = await testApp();
});
afterAll(() => api.store.close());

describe('API response headers', () => {
  it('forbid framing and sniffing, and a JSON answer runs nothing in a browser', async () => {
    for (const [path, key] of [
      ['/health/live', null],
      ['/v1/items/nothing', testKeys.read],
      ['/v1/nowhere', testKeys.read],
      ['/openapi.json', null],
    ] as const) {
      const response = await api.call('GET', path, { key });
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(response.headers.get('content-security-policy'), path).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
  });

  it("leave a route's own policy in place (the dashboard mounted on the app sets its own)", async () => {
    const own = await testApp();
    const app = own.app as unknown as Hono;
    app.get('/own-policy', (c) =>
      c.text('ok', 200, { 'content-security-policy': "default-src 'self'", 'x-frame-options': 'SAMEORIGIN' }),
    );
    const response = await app.request('/own-policy');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    await own.store.close();
  });
});
