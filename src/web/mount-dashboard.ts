import type { Context, Env, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { ConflictError, InvalidInputError, NotFoundError } from '../core/index.js';
import { adminSchemas } from '../serve/index.js';
import { adminApi } from './admin-api.js';
import { dashboardScript, dashboardStyles, echartsScript } from './assets.js';
import { type Access, checkAccess, crossSite, grants, type Need } from './auth.js';
import { creatorPage, creatorView } from './creator-page.js';
import { DashboardContext } from './dashboard-context.js';
import type { DashboardOptions } from './dashboard-options.js';
import { DashboardSessions, sameToken, sessionCookie } from './dashboard-sessions.js';
import { experimentsData, experimentsPage } from './experiments-page.js';
import { itemsData, itemsPage } from './items-page.js';
import { layout } from './layout.js';
import { modelsData, modelsPage } from './models-page.js';
import { overviewData, overviewPage } from './overview-page.js';
import { h, type SafeHtml } from './safe-html.js';
import { dashboardHeaders } from './security-headers.js';
import { MemorySessionStore } from './session-store.js';
import { usersData, usersPage } from './users-page.js';

/** Query parameter `days`: whole days in 1..366, or undefined when absent. */
function daysOf(c: Context): number | undefined {
  const text = c.req.query('days');
  if (text === undefined || text === '') return undefined;
  const days = Number(text);
  if (!(Number.isInteger(days) && days >= 1 && days <= 366)) {
    throw new InvalidInputError(
      `Query parameter "days" must be a whole number of days from 1 to 366, got "${text}"`,
    );
  }
  return days;
}

function optional(c: Context, name: string): Record<string, string> {
  const value = c.req.query(name);
  return value === undefined ? {} : { [name]: value };
}

interface Page {
  path: string;
  title: string;
  active: string;
  need: Need;
  /** The page's HTML. `access.creator`: the author a creator's key is bound to; `access.csrfToken`: its forms' token. */
  render: (context: DashboardContext, c: Context, access: Access) => Promise<SafeHtml>;
}

const pages: Page[] = [
  {
    path: '',
    title: 'Overview',
    active: '',
    need: 'admin',
    render: async (context, c) => {
      const data = await overviewData(context, daysOf(c));
      return overviewPage(data);
    },
  },
  {
    path: 'experiments',
    title: 'Experiments',
    active: 'experiments',
    need: 'admin',
    render: async (context, c, access) => {
      const days = daysOf(c);
      const data = await experimentsData(context, {
        ...optional(c, 'experiment'),
        ...(days === undefined ? {} : { days }),
      });
      return experimentsPage(data, access.csrfToken);
    },
  },
  {
    path: 'models',
    title: 'Models',
    active: 'models',
    need: 'admin',
    render: async (context, _c, access) => {
      const data = await modelsData(context);
      return modelsPage(data, context.models === undefined ? undefined : access.csrfToken);
    },
  },
  {
    path: 'items',
    title: 'Items',
    active: 'items',
    need: 'admin',
    render: async (context, c) => {
      const data = await itemsData(context, { ...optional(c, 'q'), ...optional(c, 'id') });
      return itemsPage(data, c.req.query('id'));
    },
  },
  {
    path: 'users',
    title: 'Users',
    active: 'users',
    need: 'admin',
    render: async (context, c) => {
      const data = await usersData(context, optional(c, 'id'));
      return usersPage(data);
    },
  },
  {
    path: 'creator',
    title: 'Creator',
    active: 'creator',
    need: 'creator',
    render: async (context, c, { creator }) => {
      const days = daysOf(c);
      const query = {
        ...optional(c, 'author'),
        ...optional(c, 'draft'),
        ...(days === undefined ? {} : { days }),
      };
      return creatorPage(await creatorView(context, query, creator));
    },
  },
];

/** The experiment a form names (`experiment`), checked like the API's path parameter. */
function experimentOf(form: Record<string, unknown>): string {
  const parsed = adminSchemas.experimentName.safeParse(form.experiment);
  if (!parsed.success)
    throw new InvalidInputError(`Field "experiment": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/**
 * The split form: `experiment` and one `split.<pipeline>` weight per bucket,
 * checked with the API's split schema, so a bad weight is named the same way.
 */
function splitForm(form: Record<string, unknown>): { name: string; split: Record<string, number> } {
  const name = experimentOf(form);
  const split: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(form)) {
    if (!field.startsWith('split.')) continue;
    const text = typeof value === 'string' ? value.trim() : '';
    split[field.slice('split.'.length)] = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : text;
  }
  const parsed = adminSchemas.trafficSplit.safeParse(split);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const bucket = issue?.path[0];
    const field = bucket === undefined ? 'split' : `split.${String(bucket)}`;
    throw new InvalidInputError(`Field "${field}": ${issue?.message ?? 'invalid'}`);
  }
  return { name, split: parsed.data };
}

/** The model and version a form names, checked like the API's path parameters. */
function modelVersionOf(form: Record<string, unknown>): { name: string; version: number } {
  const parsed = adminSchemas.modelVersionParam.safeParse({ name: form.model, version: form.version });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0] === 'name' ? 'model' : 'version';
    throw new InvalidInputError(`Field "${field}": ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function modelOf(form: Record<string, unknown>): string {
  const parsed = adminSchemas.modelName.safeParse(form.model);
  if (!parsed.success)
    throw new InvalidInputError(`Field "model": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Largest login or logout form in bytes: an API key and the page to go back to. */
export const LOGIN_BODY_BYTES = 16 * 1024;

function loginPage(options: { next?: string; error?: string }): string {
  return layout(
    'Sign in',
    h`<form class="login" method="post" action="/dashboard/login"><p>Paste an API key with the <code>admin</code> scope (every page) or <code>read</code> / <code>creator</code> (the creator view).</p>${
      options.error === undefined ? '' : h`<p class="error" data-testid="login-error">${options.error}</p>`
    }<label>API key<input type="password" name="key" autocomplete="off" required autofocus></label><input type="hidden" name="next" value="${options.next ?? '/dashboard'}"><button class="primary" type="submit">Sign in</button></form>`,
    { nav: false },
  );
}

/** Only same-site dashboard paths: never redirect a login elsewhere. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(?:[/?#]|$)/.test(next) ? next : '/dashboard';
}

function jsonError(c: Context, status: 400 | 401 | 403 | 413, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

/** The cookie that held the raw API key before sessions; cleared at login. */
const legacyKeyCookie = 'genfeed_dashboard_key';

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

function refused(c: Context, message: string) {
  return c.html(layout('Not allowed', h`<p class="error" data-testid="refused">${message}</p>`), 403);
}

/**
 * Adds the dashboard to a hono app: HTML pages under `/dashboard` (server-rendered,
 * charts drawn by echarts in the browser) behind a login that exchanges the API
 * key for a server-side session (the cookie holds only a random token; its
 * forms carry the session's CSRF token), and the same figures as JSON under
 * `/v1/admin/*` (`/v1/creator/insights` for the creator view), behind
 * `Authorization: Bearer`. Every response carries `dashboardHeaders`.
 */
export function mountDashboard<E extends Env>(app: Hono<E>, options: DashboardOptions): void {
  const context = new DashboardContext(options);
  const now = options.now ?? Date.now;
  const sessions = new DashboardSessions(options.sessions ?? new MemorySessionStore({ now }), {
    now,
    ...(options.sessionTtlMs === undefined ? {} : { ttlMs: options.sessionTtlMs }),
  });
  const accessOf = (c: Context, need: Need) =>
    checkAccess(c, { authorize: options.authorize, sessions }, need);

  for (const path of ['/dashboard', '/dashboard/*', '/v1/admin/*', '/v1/creator/insights'])
    app.use(path, dashboardHeaders());

  app.get('/dashboard/assets/dashboard.js', (c) =>
    c.body(dashboardScript, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
    }),
  );
  app.get('/dashboard/assets/dashboard.css', (c) =>
    c.body(dashboardStyles, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  app.get('/dashboard/assets/echarts.min.js', async (c) =>
    c.body(await echartsScript(), 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    }),
  );

  app.get('/dashboard/login', (c) => c.html(loginPage({ next: safeNext(c.req.query('next')) })));
  // Unauthenticated: limited here too, whichever app the dashboard is mounted on.
  const formLimit = bodyLimit({
    maxSize: LOGIN_BODY_BYTES,
    onError: (c) =>
      jsonError(c, 413, 'payload_too_large', `Request body is too large (limit ${LOGIN_BODY_BYTES} bytes)`),
  });
  app.post('/dashboard/login', formLimit, async (c) => {
    // No session to hold a CSRF token yet: the browser's own headers refuse a login forced from elsewhere.
    if (crossSite(c)) return refused(c, 'A sign-in from another site is refused.');
    const form = await c.req.parseBody();
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    const next = safeNext(form.next);
    if (key === '') return c.html(loginPage({ next, error: 'Enter an API key.' }), 400);
    const scopes = await options.authorize(key);
    if (scopes === undefined)
      return c.html(loginPage({ next, error: 'This API key is not recognised.' }), 401);
    if (!grants(scopes, 'creator')) {
      return c.html(
        loginPage({ next, error: 'This API key opens no dashboard page (it needs admin, creator or read).' }),
        403,
      );
    }
    const { token } = await sessions.start(scopes);
    setCookie(c, sessionCookie, token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/dashboard',
      secure: isHttps(c),
      maxAge: Math.floor(sessions.ttlMs / 1000),
    });
    deleteCookie(c, legacyKeyCookie, { path: '/' });
    return c.redirect(scopes.includes('admin') ? next : '/dashboard/creator', 303);
  });
  app.post('/dashboard/logout', formLimit, async (c) => {
    if (crossSite(c)) return refused(c, 'A sign-out from another site is refused.');
    const token = getCookie(c, sessionCookie);
    const session = token === undefined ? undefined : await sessions.resolve(token);
    if (token !== undefined && session !== undefined) {
      const form = await c.req.parseBody();
      if (typeof form.csrf !== 'string' || !sameToken(session.csrfToken, form.csrf))
        return refused(c, 'This form is not from this session: reload the page and try again.');
      await sessions.end(token);
    }
    deleteCookie(c, sessionCookie, { path: '/dashboard', secure: isHttps(c) });
    return c.redirect('/dashboard/login', 303);
  });

  /**
   * A state-changing form of an admin page (`page`: its path under /dashboard):
   * refused from another site, without an admin session (back to the login)
   * or without the session's CSRF token; `act` answers the rest. Bad input
   * re-renders with the message (400), an unknown experiment or version 404,
   * a change the state refuses (the active version deleted, nothing to roll
   * back to) 409.
   */
  const adminForm =
    (
      page: 'experiments' | 'models',
      title: string,
      act: (c: Context, form: Record<string, unknown>) => Promise<Response>,
    ) =>
    async (c: Context) => {
      if (crossSite(c)) return refused(c, 'A change from another site is refused.');
      const session = await sessions.resolve(getCookie(c, sessionCookie));
      if (session === undefined) return c.redirect(`/dashboard/login?next=%2Fdashboard%2F${page}`, 303);
      if (!grants(session.scopes, 'admin')) return refused(c, `This API key may not change ${page}.`);
      const form = await c.req.parseBody();
      if (typeof form.csrf !== 'string' || !sameToken(session.csrfToken, form.csrf))
        return refused(c, 'This form is not from this session: reload the page and try again.');
      try {
        return await act(c, form);
      } catch (error) {
        const status =
          error instanceof InvalidInputError
            ? 400
            : error instanceof NotFoundError
              ? 404
              : error instanceof ConflictError
                ? 409
                : 0;
        if (status === 0) throw error;
        const shell = { active: page, csrf: session.csrfToken };
        return c.html(
          layout(
            title,
            h`<p class="error" data-testid="form-error">${(error as Error).message}</p><p><a href="/dashboard/${page}">Back to the ${page}</a></p>`,
            shell,
          ),
          status,
        );
      }
    };
  const backToExperiment = (c: Context, name: string) =>
    c.redirect(`/dashboard/experiments?experiment=${encodeURIComponent(name)}`, 303);
  app.post(
    '/dashboard/experiments/split',
    formLimit,
    adminForm('experiments', 'Change the split', async (c, form) => {
      const { name, split } = splitForm(form);
      await context.experiments.setSplit(name, split);
      return backToExperiment(c, name);
    }),
  );
  app.post(
    '/dashboard/experiments/stop',
    formLimit,
    adminForm('experiments', 'Stop the experiment', async (c, form) => {
      const name = experimentOf(form);
      await context.experiments.stop(name);
      return backToExperiment(c, name);
    }),
  );
  const modelService = () => {
    if (context.models === undefined)
      throw new InvalidInputError('This server runs no model registry: its versions cannot be changed here');
    return context.models;
  };
  app.post(
    '/dashboard/models/activate',
    formLimit,
    adminForm('models', 'Activate a version', async (c, form) => {
      const { name, version } = modelVersionOf(form);
      await modelService().activate(name, version);
      return c.redirect('/dashboard/models', 303);
    }),
  );
  app.post(
    '/dashboard/models/rollback',
    formLimit,
    adminForm('models', 'Roll back', async (c, form) => {
      await modelService().rollback(modelOf(form));
      return c.redirect('/dashboard/models', 303);
    }),
  );

  for (const page of pages) {
    const htmlPath = page.path === '' ? '/dashboard' : `/dashboard/${page.path}`;
    app.get(htmlPath, async (c) => {
      const access = await accessOf(c, page.need);
      if (access.status === 'missing' || access.status === 'unknown') {
        const url = new URL(c.req.url);
        return c.redirect(`/dashboard/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
      }
      const csrf = access.csrfToken === undefined ? {} : { csrf: access.csrfToken };
      if (access.status === 'forbidden') {
        return c.html(
          layout(
            'Not allowed',
            h`<p class="error">This API key may not open the ${page.title} page.</p>`,
            csrf,
          ),
          403,
        );
      }
      const shell = { active: page.active, ...csrf };
      try {
        return c.html(layout(page.title, await page.render(context, c, access), shell));
      } catch (error) {
        const status = error instanceof InvalidInputError ? 400 : error instanceof NotFoundError ? 404 : 0;
        if (status === 0) throw error;
        return c.html(layout(page.title, h`<p class="error">${(error as Error).message}</p>`, shell), status);
      }
    });
  }
  app.route('/', adminApi(context, accessOf, options.logger));
}
