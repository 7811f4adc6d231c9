import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The browser side, kept small on purpose: pages are rendered on the server and
 * carry their chart options and heights as attributes; this draws them with
 * echarts (served from node_modules, no bundler), keeps them sized with the
 * window, and submits pickers marked `data-submit-on-change` (no inline
 * handlers: the Content-Security-Policy runs only these files).
 */
export const dashboardScript = `(() => {
  for (const select of document.querySelectorAll('select[data-submit-on-change]')) {
    select.addEventListener('change', () => select.form.submit());
  }
  const charts = [];
  for (const element of document.querySelectorAll('.chart[data-option]')) {
    element.style.height = (Number(element.dataset.height) || 300) + 'px';
    const chart = echarts.init(element, null, { renderer: 'canvas' });
    chart.setOption(JSON.parse(element.dataset.option));
    charts.push(chart);
  }
  window.addEventListener('resize', () => { for (const chart of charts) chart.resize(); });
  document.body.dataset.charts = String(charts.length);
})();
`;

export const dashboardStyles = `
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, "WenQuanYi Zen Hei", sans-serif; color: #1d2430; background: #f5f6f8; }
header { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: #1d2430; color: #fff; }
header .brand { font-weight: 700; font-size: 16px; }
nav { display: flex; align-items: center; gap: 4px; flex: 1; }
nav a { color: #c9d1dc; text-decoration: none; padding: 6px 10px; border-radius: 4px; }
nav a.active, nav a:hover { background: #36404f; color: #fff; }
nav form { margin-left: auto; }
nav button { background: none; border: 1px solid #5b6678; color: #c9d1dc; border-radius: 4px; padding: 4px 10px; cursor: pointer; }
main { padding: 16px 24px 48px; max-width: 1400px; }
h1 { font-size: 22px; margin: 4px 0 12px; }
h2 { font-size: 16px; margin: 0 0 8px; }
section { background: #fff; border: 1px solid #e1e5eb; border-radius: 6px; padding: 14px 16px; margin: 14px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
.card { background: #fff; border: 1px solid #e1e5eb; border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.card .label { color: #5b6678; font-size: 12px; }
.card .value { font-size: 22px; font-weight: 600; }
.card .hint { color: #7a8494; font-size: 11px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; }
.grid > section { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #edf0f3; vertical-align: top; }
th { color: #5b6678; font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.notice { color: #8a5a00; background: #fff7e0; border: 1px solid #f0dca0; border-radius: 4px; padding: 8px 10px; }
.error { color: #9b1c1c; background: #fdecec; border: 1px solid #f3b9b9; border-radius: 4px; padding: 8px 10px; }
.muted { color: #7a8494; }
form.inline { display: flex; gap: 8px; margin: 8px 0; align-items: center; }
input, select { padding: 6px 8px; border: 1px solid #c5ccd6; border-radius: 4px; font: inherit; }
button.primary { background: #2b6cb0; color: #fff; border: 0; border-radius: 4px; padding: 7px 14px; cursor: pointer; }
.login { max-width: 380px; margin: 80px auto; background: #fff; padding: 24px; border: 1px solid #e1e5eb; border-radius: 6px; }
.login input { width: 100%; margin: 8px 0 12px; }
.side-by-side { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 14px; }
code { background: #f0f2f5; padding: 1px 4px; border-radius: 3px; }
`;

let echartsSource: Promise<string> | undefined;

/** echarts' minified browser build, read once from the installed package. */
export function echartsScript(): Promise<string> {
  if (echartsSource === undefined) {
    const require = createRequire(import.meta.url);
    // The package's `require` entry is dist/echarts.js; the minified build sits beside it.
    const file = join(dirname(require.resolve('echarts')), 'echarts.min.js');
    echartsSource = readFile(file, 'utf8');
  }
  return echartsSource;
}
