import { h, type SafeHtml } from './safe-html.js';

export const dashboardPages = [
  { path: '', title: 'Overview', scope: 'admin' },
  { path: 'experiments', title: 'Experiments', scope: 'admin' },
  { path: 'models', title: 'Models', scope: 'admin' },
  { path: 'items', title: 'Items', scope: 'admin' },
  { path: 'users', title: 'Users', scope: 'admin' },
  { path: 'creator', title: 'Creator', scope: 'creator' },
] as const;

export type DashboardPage = (typeof dashboardPages)[number];

/**
 * The whole document: navigation, the page body, echarts and the small script
 * that draws charts. `csrf`: the session's token, carried by the logout form
 * (shown only to a session; a bearer key has nothing to log out of).
 */
export function layout(
  title: string,
  body: SafeHtml,
  options: { active?: string; nav?: boolean; csrf?: string } = {},
): string {
  const logout =
    options.csrf === undefined
      ? ''
      : h`<form method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="${options.csrf}"><button type="submit">Log out</button></form>`;
  const nav =
    options.nav === false
      ? ''
      : h`<nav>${dashboardPages.map(
          (page) =>
            h`<a href="/dashboard${page.path === '' ? '' : `/${page.path}`}" class="${page.path === options.active ? 'active' : null}">${page.title}</a>`,
        )}${logout}</nav>`;
  return `<!doctype html>${h`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>${title} · genfeed</title><link rel="stylesheet" href="/dashboard/assets/dashboard.css"></head>
<body><header><span class="brand">genfeed</span>${nav}</header><main><h1>${title}</h1>${body}</main>
<script src="/dashboard/assets/echarts.min.js"></script><script src="/dashboard/assets/dashboard.js"></script></body></html>`}`;
}
