import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys, createApp, PopularFeedSource, ServeMetrics } from '../serve/index.js';
import { openSqliteStore, type Store } from '../storage/index.js';
import { chart } from './components.js';
import type { DashboardOptions } from './dashboard-options.js';
import { mountDashboard } from './mount-dashboard.js';
import { MemorySessionStore } from './session-store.js';

const adminKey = 'admin-key-0123456789';
const readKey = 'read-key-0123456789';
const keys: Record<string, string[]> = { [adminKey]: ['admin'], [readKey]: ['read'] };
const HOUR_MS = 3_600_000;

let store: Store;
let clock = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  store = await openSqliteStore({ path: ':memory:' });
});
afterAll(() => store?.close());

function dashboard(options: Partial<DashboardOptions> = {}): Hono {
  const app = new Hono();
  mountDashboard(app, {
    store,
    authorize: (key) => keys[key],
    now: () => clock,
    benchResultsDir: '/nonexistent/bench-results',
    ...options,
  });
  return app;
}

async function login(app: Hono, key = adminKey, origin = 'http://localhost'): Promise<Response> {
  return app.request(`${origin}/dashboard/login`, {
    method: 'POST',
    body: new URLSearchParams({ key, next: '/dashboard/models' }),
  });
}

/** The `name=value` a browser sends back for the response's session cookie. */
function sessionCookie(response: Response): string {
  const header = response.headers.get('set-cookie');
  expect(header, 'a session cookie').not.toBeNull();
  return header!.split(';')[0]!;
}

/** The CSRF token of a page's logout form. */
async function csrfOf(page: Response): Promise<string> {
  const match = /name="csrf" value="([^"]+)"/.exec(await page.text());
  expect(match, 'a CSRF field in the page').not.toBeNull();
  return match![1]!;
}

describe('dashboard sessions', () => {
  it('keeps a random session token in the cookie, never the API key', async () => {
    const app = dashboard();
    const response = await login(app);
    expect(response.status).toBe(303);
    const header = response.headers.get('set-cookie')!;
    expect(header).not.toContain(adminKey);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Strict/);
    expect(header).toMatch(/Path=\/dashboard(;|$)/);
    expect(header).not.toMatch(/Secure/);
    const [name, token] = sessionCookie(response).split('=');
    expect(name).toBe('genfeed_dashboard_session');
    // 32 random bytes, base64url.
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessionCookie(await login(app))).not.toBe(`${name}=${token}`);
    expect((await login(app, adminKey, 'https://dashboard.example')).headers.get('set-cookie')).toMatch(
      /Secure/,
    );
  });

  it('opens pages with the session token, bound to the scopes of the key that logged in', async () => {
    const app = dashboard();
    const admin = sessionCookie(await login(app));
    expect((await app.request('/dashboard/models', { headers: { cookie: admin } })).status).toBe(200);
    const reader = sessionCookie(await login(app, readKey));
    expect((await app.request('/dashboard/creator', { headers: { cookie: reader } })).status).toBe(200);
    expect((await app.request('/dashboard/models', { headers: { cookie: reader } })).status).toBe(403);
  });

  it('refuses a forged or expired token and an API key put in the cookie', async () => {
    const app = dashboard({ sessionTtlMs: HOUR_MS });
    const cookie = sessionCookie(await login(app));
    const forged = `genfeed_dashboard_session=${'A'.repeat(43)}`;
    for (const attempt of [
      forged,
      `genfeed_dashboard_session=${adminKey}`,
      `genfeed_dashboard_key=${adminKey}`,
    ]) {
      const page = await app.request('/dashboard/models', { headers: { cookie: attempt } });
      expect(page.status, attempt).toBe(303);
      expect(page.headers.get('location')).toBe('/dashboard/login?next=%2Fdashboard%2Fmodels');
    }
    clock += HOUR_MS - 1;
    expect((await app.request('/dashboard/models', { headers: { cookie } })).status).toBe(200);
    clock += 2;
    expect((await app.request('/dashboard/models', { headers: { cookie } })).status).toBe(303);
  });

  it('logs out with the form token only, and the token stops working', async () => {
    const app = dashboard();
    const cookie = sessionCookie(await login(app));
    const csrf = await csrfOf(await app.request('/dashboard/models', { headers: { cookie } }));
    const logout = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      app.request('/dashboard/logout', {
        method: 'POST',
        headers: { cookie, ...headers },
        body: new URLSearchParams(body),
      });
    expect((await logout({})).status).toBe(403);
    expect((await logout({ csrf: 'x'.repeat(43) })).status).toBe(403);
    // Defence in depth: the right token from another site is refused too.
    expect((await logout({ csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await logout({ csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await app.request('/dashboard/models', { headers: { cookie } })).status).toBe(200);
    const done = await logout({ csrf }, { 'sec-fetch-site': 'same-origin', origin: 'http://localhost' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/dashboard/login');
    expect(done.headers.get('set-cookie')).toMatch(/genfeed_dashboard_session=;.*Path=\/dashboard/);
    // The old token is invalid on the server, whatever the browser kept.
    expect((await app.request('/dashboard/models', { headers: { cookie } })).status).toBe(303);
  });

  it('refuses a login form posted from another site', async () => {
    const app = dashboard();
    const post = (headers: Record<string, string>) =>
      app.request('http://localhost/dashboard/login', {
        method: 'POST',
        headers,
        body: new URLSearchParams({ key: adminKey }),
      });
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-origin', origin: 'http://localhost' })).status).toBe(303);
  });

  it('shares sessions through the store it is given (servers behind one balancer)', async () => {
    const sessions = new MemorySessionStore();
    const first = dashboard({ sessions });
    const second = dashboard({ sessions });
    const cookie = sessionCookie(await login(first));
    expect((await second.request('/dashboard/models', { headers: { cookie } })).status).toBe(200);
  });
});

describe('dashboard response headers', () => {
  it('forbids framing, sniffing, foreign scripts and referrers on every dashboard response', async () => {
    const app = dashboard();
    const cookie = sessionCookie(await login(app));
    for (const path of ['/dashboard/login', '/dashboard/models', '/dashboard/assets/dashboard.js']) {
      const response = await app.request(path, { headers: { cookie } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('same-origin');
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy, path).toContain("default-src 'self'");
      expect(policy, path).toContain("script-src 'self'");
      expect(policy, path).toContain("frame-ancestors 'none'");
      expect(policy, path).not.toContain('unsafe-inline');
    }
  });

  it("keeps its own policy when mounted on serve's app, whose JSON routes get a stricter one", async () => {
    const served = createApp({
      store,
      feeds: new PopularFeedSource(store),
      keys: ApiKeys.from([{ key: adminKey, scopes: ['admin'] }]),
      metrics: new ServeMetrics({ processMetrics: false }),
    });
    mountDashboard(served, { store, authorize: (key) => keys[key] });
    const page = await served.request('/dashboard/login');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const api = await served.request('/health/live');
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('renders pages the policy allows whole: no inline scripts, handlers or style attributes', async () => {
    const app = dashboard();
    const cookie = sessionCookie(await login(app));
    for (const path of ['/dashboard/login', '/dashboard', '/dashboard/experiments', '/dashboard/creator']) {
      const html = await (await app.request(path, { headers: { cookie } })).text();
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, path).not.toMatch(/\son[a-z]+="/);
      expect(html, path).not.toMatch(/\sstyle="/);
    }
    expect(String(chart({ series: [] }, { height: 120 }))).toMatch(
      /^<div class="chart"[^>]* data-height="120"/,
    );
  });
});
