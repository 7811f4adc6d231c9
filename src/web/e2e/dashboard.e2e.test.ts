import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedPipeline } from '../../feed/index.js';
import {
  ApiKeys,
  fixedPipelines,
  ModelRegistry,
  PopularFeedSource,
  type RunningServer,
  startServer,
} from '../../serve/index.js';
import { openSqliteStore, type Store } from '../../storage/index.js';
import { authorizeWithApiKeys, mountDashboard, pipelinesOf } from '../index.js';
import { type SeedSummary, seedStore } from '../test-support/seed-store.js';

/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core
 * (never a browser download), a real HTTP server on a free port over a seeded
 * SQLite store. Skips when /usr/bin/chromium is absent, unless
 * GENFEED_REQUIRE_CHROMIUM is set (CI), where a browser that cannot start fails.
 */
const executablePath = process.env.GENFEED_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(executablePath);
const required = Boolean(process.env.GENFEED_REQUIRE_CHROMIUM);
const screenshots = resolve(import.meta.dirname, '../../../test-results');

const adminKey = 'e2e-admin-key-0123456789';
const readKey = 'e2e-read-key-0123456789';

let folder: string;
let store: Store;
let registry: ModelRegistry;
let seed: SeedSummary;
let server: RunningServer;
let base: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** A toy pipeline ranking items in a fixed order: the Users page must show whatever the configured pipelines return. */
const fixedPipeline = (name: string, ids: string[]): FeedPipeline => ({
  name,
  modelVersion: `${name}@3`,
  recommend: (request) => ({
    items: ids
      .filter((id) => !request.exclude.has(id))
      .slice(0, request.n)
      .map((itemId, rank) => ({
        itemId,
        score: 1 - rank / 20,
        scores: { prerank: 0.25, reward: 0.5 },
        source: 'fixed',
      })),
    stages: { rank: { cpuMs: 0.05, latencyMs: 0.05 } },
  }),
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `dashboard-${name}.png`), fullPage: true });
}

/** Waits until the page's script drew its charts, and checks each chart got a canvas. */
async function chartsDrawn(): Promise<number> {
  await page.waitForFunction('document.body.dataset.charts !== undefined');
  const charts = Number(await page.evaluate('document.body.dataset.charts'));
  expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(charts);
  return charts;
}

async function numberAt(testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-value'));
}

async function login(key: string): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.waitForURL(/\/dashboard\/login/);
  await page.fill('input[name=key]', key);
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
}

const skip = !available && !required;
const title = skip
  ? `dashboard in headless Chromium (skipped: ${executablePath} not found; GENFEED_REQUIRE_CHROMIUM=1 makes this a failure)`
  : 'dashboard in headless Chromium';

describe.skipIf(skip)(title, () => {
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'genfeed-e2e-'));
    mkdirSync(screenshots, { recursive: true });
    store = await openSqliteStore({ path: join(folder, 'store.sqlite'), synchronous: 'normal' });
    seed = await seedStore(store, { users: 200, items: 300, days: 4 });
    // Two versions published through the registry (files in the store), the first active; their
    // directory carries a training curve (the manifest's `trainingCurve` shape). A toy loader
    // stands in for the generative model's: the Models page's actions go through the registry.
    registry = new ModelRegistry({
      store,
      root: join(folder, 'registry'),
      loaders: {
        generative: async (_dir, context) => ({
          ...fixedPipeline('generative', []),
          modelVersion: context.modelVersion,
        }),
      },
      catalogue: async () => [],
    });
    const modelDir = join(folder, 'models', 'generative-1');
    mkdirSync(modelDir, { recursive: true });
    const trainingCurve = [
      { epoch: 1, loss: 3.1, validationRecallAt10: 0.02, seconds: 4.2 },
      { epoch: 2, loss: 2.7, validationRecallAt10: 0.031, seconds: 4.1 },
      { epoch: 3, loss: 2.6, validationRecallAt10: 0.034, seconds: 4.3 },
    ];
    writeFileSync(join(modelDir, 'manifest.json'), JSON.stringify({ trainingCurve }));
    await registry.publish('generative', modelDir, { metrics: { 'recall@10': 0.034 } });
    writeFileSync(
      join(modelDir, 'manifest.json'),
      JSON.stringify({ trainingCurve: trainingCurve.slice(0, 2) }),
    );
    await registry.publish('generative', modelDir, { metrics: { 'recall@10': 0.031 }, activate: false });

    // The real server (serve's startServer, its API keys and its model-free feed source), with the dashboard on it.
    const keys = ApiKeys.from([
      { key: adminKey, scopes: ['admin'] },
      { key: readKey, scopes: ['read'] },
    ]);
    const feeds = new PopularFeedSource(store);
    server = await startServer({ store, feeds, keys, port: 0, closeStore: false });
    const ids = Array.from({ length: 300 }, (_, index) => String(index));
    mountDashboard(server.app, {
      store,
      authorize: authorizeWithApiKeys(keys),
      similar: (itemId, n) => feeds.similar(itemId, n),
      pipelines: pipelinesOf(
        fixedPipelines({
          generative: fixedPipeline('generative', ids),
          cascade: fixedPipeline('cascade', [...ids].reverse()),
        }),
      ),
      benchResultsDir: resolve(import.meta.dirname, '../../../bench/results'),
      registry,
    });
    base = server.url;

    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    // Generous: CI runs other test files on the same two cores meanwhile.
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await registry?.close();
    await server?.close();
    await store?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('logs in and shows the store totals on the overview', async () => {
    await login(adminKey);
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    const counts = await store.counts();
    expect(await numberAt('total-requests')).toBe(counts.requests);
    expect(await numberAt('total-events')).toBe(counts.events);
    expect(await page.getByTestId('total-requests').textContent()).toBe(
      counts.requests.toLocaleString('en-US'),
    );
    expect(await chartsDrawn()).toBe(4);
    expect(await page.getByTestId('categories-table').locator('tbody tr').count()).toBeGreaterThan(0);
    // The browser holds a session token, never the key, out of reach of scripts.
    const cookies = await page.context().cookies();
    expect(cookies.map((cookie) => cookie.name)).toEqual(['genfeed_dashboard_session']);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });
    expect(cookies[0]!.value).not.toContain(adminKey);
    // Under the page's Content-Security-Policy the script sizes each chart from its data-height.
    const sizes = await page
      .locator('.chart')
      .evaluateAll((charts) =>
        charts.map((chart) => [
          Number(chart.getAttribute('data-height')),
          chart.getBoundingClientRect().height,
        ]),
      );
    for (const [wanted, drawn] of sizes) expect(drawn).toBe(wanted);
    await shot('overview');
  });

  it('puts the buckets side by side', async () => {
    await page.goto(`${base}/dashboard/experiments?experiment=${seed.experiment}`);
    const stats = await store.pipelineStats({ experiment: seed.experiment });
    for (const entry of stats)
      expect(await numberAt(`bucket-requests-${entry.pipeline}`)).toBe(entry.requests);
    const table = page.getByTestId('buckets-table');
    expect(await table.locator('thead th').allTextContents()).toEqual(['', 'cascade', 'generative']);
    expect(await table.textContent()).toMatch(/stay time, s \/ active user-day\d[\d,.]* \[/);
    const perRequest = (name: string) => {
      const entry = stats.find((row) => row.pipeline === name)!;
      return entry.cpuMs / entry.requests;
    };
    const ratio = perRequest('generative') / perRequest('cascade');
    expect(await table.textContent()).toContain(
      `CPU / request vs cascadereferencex${ratio.toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 })}`,
    );
    expect(await chartsDrawn()).toBe(3);
    await shot('experiments');
    // The picker submits on change (a listener in dashboard.js, no inline handler).
    await Promise.all([
      page.waitForURL(/experiment=(&|$)/),
      page.selectOption('select[name=experiment]', ''),
    ]);
  });

  it("changes a running experiment's split and stops it, behind the session's CSRF token", async () => {
    await store.putExperiment({ name: 'e2e-split', split: { generative: 1, cascade: 3 } });
    await page.goto(`${base}/dashboard/experiments?experiment=e2e-split`);
    expect(await page.inputValue('[data-testid=split-generative]')).toBe('1');
    await page.fill('[data-testid=split-generative]', '2');
    await Promise.all([page.waitForURL(/experiment=e2e-split$/), page.click('[data-testid=split-submit]')]);
    expect((await store.getExperiment('e2e-split'))?.split).toEqual({ generative: 2, cascade: 3 });
    expect(await page.locator('select[name=experiment] option:checked').textContent()).toBe(
      'e2e-split (generative 2 / cascade 3)',
    );
    // A weight the split cannot take is named, and nothing changes.
    await page.fill('[data-testid=split-generative]', '0');
    await page.fill('[data-testid=split-cascade]', '0');
    const errorsBefore = pageErrors.length;
    await page.click('[data-testid=split-submit]');
    expect(await page.getByTestId('form-error').textContent()).toContain('the weights sum to 0');
    // The browser logs the 400 itself; nothing else may have gone wrong.
    expect(pageErrors.splice(errorsBefore)).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    expect((await store.getExperiment('e2e-split'))?.split).toEqual({ generative: 2, cascade: 3 });
    // The same form without the session's token (as another site would post it) is refused.
    const forged = await page.request.post(`${base}/dashboard/experiments/split`, {
      form: { experiment: 'e2e-split', 'split.generative': '9', 'split.cascade': '1' },
    });
    expect(forged.status()).toBe(403);
    expect((await store.getExperiment('e2e-split'))?.split).toEqual({ generative: 2, cascade: 3 });

    await page.goto(`${base}/dashboard/experiments?experiment=e2e-split`);
    await Promise.all([page.waitForURL(/experiment=e2e-split$/), page.click('[data-testid=stop-submit]')]);
    expect(await store.getExperiment('e2e-split')).toBeUndefined();
    expect(await page.locator('select[name=experiment] option:checked').textContent()).toBe(
      'e2e-split (stopped)',
    );
    expect(await page.getByTestId('split-form').count()).toBe(0);
    await shot('experiment-stopped');
  });

  it('shows which model version serves, its training curve and the offline figures', async () => {
    await page.goto(`${base}/dashboard/models`);
    expect(await page.getByTestId('serving-generative').textContent()).toBe('serving');
    expect(await page.getByTestId('serving-table').textContent()).toContain('generative1');
    expect(await page.getByTestId('versions-table').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('curve-generative-1').count()).toBe(1);
    expect(await chartsDrawn()).toBeGreaterThanOrEqual(2);
    await shot('models');
  });

  it("activates a version and rolls it back, behind the session's CSRF token", async () => {
    await page.goto(`${base}/dashboard/models`);
    expect(await page.getByTestId('rollback-generative').count()).toBe(0);
    await Promise.all([
      page.waitForURL(/\/dashboard\/models$/),
      page.click('[data-testid=activate-generative-2]'),
    ]);
    expect((await store.activeModelVersion('generative'))?.version).toBe(2);
    expect(registry.currentVersion('generative')?.version).toBe(2);
    expect(await page.getByTestId('serving-table').textContent()).toContain('generative2');
    expect(await page.getByTestId('activate-generative-1').count()).toBe(1);
    await shot('models-activated');

    // The same form without the session's token (as another site would post it) is refused.
    const forged = await page.request.post(`${base}/dashboard/models/rollback`, {
      form: { model: 'generative' },
    });
    expect(forged.status()).toBe(403);
    expect((await store.activeModelVersion('generative'))?.version).toBe(2);

    await Promise.all([
      page.waitForURL(/\/dashboard\/models$/),
      page.click('[data-testid=rollback-generative]'),
    ]);
    expect((await store.activeModelVersion('generative'))?.version).toBe(1);
    expect(registry.currentVersion('generative')?.version).toBe(1);
    expect(await page.getByTestId('serving-table').textContent()).toContain('generative1');
    expect(await page.getByTestId('rollback-generative').count()).toBe(0);
  });

  it('searches items and opens one', async () => {
    await page.goto(`${base}/dashboard/items`);
    await page.fill('input[name=q]', seed.sampleItem);
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    await Promise.all([
      page.waitForNavigation(),
      page.getByTestId('search-results').getByRole('link', { name: seed.sampleItem, exact: true }).click(),
    ]);
    const item = (await store.getItem(seed.sampleItem))!;
    const fields = await page.getByTestId('item-fields').textContent();
    expect(fields).toContain(item.caption!);
    expect(fields).toContain(item.categories[0]!);
    // The server's item-to-item (its feed source) and understand's audience finding fill the lower half.
    const similar = await (
      await fetch(`${base}/v1/items/${seed.sampleItem}/similar?n=10`, {
        headers: { authorization: `Bearer ${adminKey}` },
      })
    ).json();
    expect(await page.getByTestId('similar-items').locator('tbody tr').count()).toBe(
      (similar as { items: unknown[] }).items.length,
    );
    expect(await page.getByTestId('audience').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('normalized-hashtags').textContent()).toContain('fyp');
    expect(await page.getByTestId('cleanedHashtags-unavailable').textContent()).toContain(
      'not available yet',
    );
    await shot('items');
    const withSemanticId = (await store.listItems({ limit: 10 })).records.find(
      (record) => record.semanticId !== undefined,
    )!;
    await page.goto(`${base}/dashboard/items?id=${withSemanticId.id}`);
    expect(await page.getByTestId('semantic-id').textContent()).toBe(withSemanticId.semanticId!.join('-'));
  });

  it('shows a user history and both pipelines side by side', async () => {
    await page.goto(`${base}/dashboard/users`);
    await page.fill('input[name=id]', seed.sampleUser);
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    const events = await store.userEvents(seed.sampleUser, { limit: 50 });
    expect(await page.getByTestId('history').locator('tbody tr').count()).toBe(events.length);
    for (const pipeline of ['generative', 'cascade']) {
      const feed = page.getByTestId(`feed-${pipeline}`);
      expect(await feed.locator('h3').textContent()).toBe(`${pipeline} (${pipeline}@3)`);
      expect(await feed.locator('tbody tr').count()).toBeGreaterThan(0);
      expect(await feed.textContent()).toContain('reward 0.500');
    }
    await shot('users');
  });

  it('gives a read key the creator view only', async () => {
    await page.click('nav button[type=submit]');
    await page.waitForURL(/\/dashboard\/login/);
    await login(readKey);
    expect(new URL(page.url()).pathname).toBe('/dashboard/creator');
    expect(await page.getByTestId('top-authors').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.goto(`${base}/dashboard/creator?author=${encodeURIComponent(seed.sampleAuthor)}`);
    const insights = (await (
      await fetch(`${base}/v1/creator/insights?author=${encodeURIComponent(seed.sampleAuthor)}`, {
        headers: { authorization: `Bearer ${readKey}` },
      })
    ).json()) as { figures: { events: number } };
    expect(await numberAt('creator-views')).toBe(insights.figures.events);
    expect(insights.figures.events).toBeGreaterThan(0);
    expect(await page.getByTestId('posting-windows').textContent()).toMatch(
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:00-\d\d:00, /,
    );
    expect(await page.getByTestId('titles').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await chartsDrawn()).toBe(2);
    await shot('creator');
    const errorsBefore = pageErrors.length;
    const overview = await page.goto(`${base}/dashboard`);
    expect(overview?.status()).toBe(403);
    // The browser logs the 403 itself; nothing else may have gone wrong.
    expect(pageErrors.splice(errorsBefore)).toEqual([
      'Failed to load resource: the server responded with a status of 403 (Forbidden)',
    ]);
  });

  it('ran without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
