import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelVersion } from '../storage/index.js';
import { chart, formatNumber, notice, section, table } from './components.js';
import type { DashboardContext } from './dashboard-context.js';
import { h, type SafeHtml } from './safe-html.js';

/** One epoch of a training run: `epoch` and whatever was measured (loss, validation recall@10, ...). */
export type CurvePoint = { epoch: number } & Record<string, number>;

export interface ModelsData {
  versions: Array<ModelVersion & { trainingCurve?: CurvePoint[] }>;
  /** Offline evaluations found in the bench results folder, with the published anchor of the same data set and model. */
  offline: OfflineRow[];
  benchResultsDir: string;
}

export interface OfflineRow {
  file: string;
  dataset: string;
  model: string;
  metrics: Record<string, number>;
  ci95: Record<string, number>;
  anchor?: { metrics: Record<string, number>; source: string };
}

const shownMetrics = ['recall@10', 'ndcg@10', 'recall@20', 'mrr'];

export async function modelsData(context: DashboardContext): Promise<ModelsData> {
  const versions = await context.store.listModelVersions();
  const benchResultsDir = context.options.benchResultsDir ?? 'bench/results';
  return {
    versions: await Promise.all(
      versions.map(async (version) => {
        const trainingCurve = await readTrainingCurve(version.path);
        return trainingCurve === undefined ? version : { ...version, trainingCurve };
      }),
    ),
    offline: await readOfflineResults(benchResultsDir),
    benchResultsDir,
  };
}

/**
 * A model directory's `manifest.json` may carry `trainingCurve`: one entry per
 * epoch with `epoch` and numeric measurements. Anything else (no directory, no
 * curve, not JSON) means no curve.
 */
async function readTrainingCurve(path: string): Promise<CurvePoint[] | undefined> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(join(path, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const curve = (manifest as { trainingCurve?: unknown }).trainingCurve;
  if (!Array.isArray(curve)) return undefined;
  const points = curve.filter(
    (point): point is CurvePoint =>
      typeof point === 'object' &&
      point !== null &&
      typeof (point as { epoch?: unknown }).epoch === 'number' &&
      Object.values(point).every((value) => typeof value === 'number'),
  );
  return points.length > 0 ? points : undefined;
}

interface ResultRow {
  dataset?: unknown;
  model?: unknown;
  metrics?: unknown;
  ci95?: unknown;
}

function numbers(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => typeof entry === 'number')) as Record<
    string,
    number
  >;
}

/** Rows `{ dataset, model, metrics }` of every `*.json` in the folder (top level or under `results`), and `anchors` lists. */
async function readOfflineResults(folder: string): Promise<OfflineRow[]> {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const rows: OfflineRow[] = [];
  const anchors = new Map<string, { metrics: Record<string, number>; source: string }>();
  for (const file of names) {
    let json: { results?: unknown; anchors?: unknown } & ResultRow;
    try {
      json = JSON.parse(await readFile(join(folder, file), 'utf8'));
    } catch {
      continue;
    }
    const candidates: ResultRow[] = Array.isArray(json.results) ? json.results : [json];
    for (const row of candidates) {
      if (typeof row.dataset !== 'string' || typeof row.model !== 'string') continue;
      const metrics = numbers(row.metrics);
      if (Object.keys(metrics).length === 0) continue;
      rows.push({ file, dataset: row.dataset, model: row.model, metrics, ci95: numbers(row.ci95) });
    }
    if (Array.isArray(json.anchors)) {
      for (const anchor of json.anchors as Array<ResultRow & { source?: unknown }>) {
        if (typeof anchor.dataset !== 'string' || typeof anchor.model !== 'string') continue;
        anchors.set(`${anchor.dataset}\u0000${anchor.model.toLowerCase()}`, {
          metrics: numbers(anchor.metrics),
          source: typeof anchor.source === 'string' ? anchor.source : file,
        });
      }
    }
  }
  for (const row of rows) {
    const anchor = anchors.get(`${row.dataset}\u0000${row.model.toLowerCase()}`);
    if (anchor !== undefined) row.anchor = anchor;
  }
  return rows;
}

function metricCell(row: OfflineRow, metric: string): string {
  const value = row.metrics[metric];
  if (value === undefined) return '–';
  const ci = row.ci95[metric];
  const anchor = row.anchor?.metrics[metric];
  return `${formatNumber(value, 4)}${ci === undefined ? '' : ` ± ${formatNumber(ci, 4)}`}${anchor === undefined ? '' : ` (anchor ${formatNumber(anchor, 4)})`}`;
}

/** A one-button form of the Models page, posted with the session's CSRF token. */
function actionForm(
  action: 'activate' | 'rollback',
  csrf: string,
  fields: Record<string, string | number>,
  label: string,
  testId: string,
): SafeHtml {
  return h`<form class="inline" method="post" action="/dashboard/models/${action}"><input type="hidden" name="csrf" value="${csrf}">${Object.entries(
    fields,
  ).map(
    ([name, value]) => h`<input type="hidden" name="${name}" value="${String(value)}">`,
  )}<button type="submit" data-testid="${testId}">${label}</button></form>`;
}

function storedFiles(version: ModelVersion): string {
  return version.storedFiles === 0
    ? 'on disk only'
    : `${version.storedFiles} files, ${formatNumber(version.storedBytes / 1e6, 1)} MB`;
}

/** The page; `csrf` (an admin session's token, on a server with a registry) adds the activate and roll back forms. */
export function modelsPage(data: ModelsData, csrf?: string): SafeHtml {
  const names = [...new Set(data.versions.map((version) => version.name))].sort();
  const serving = data.versions.filter((version) => version.active);
  const activateCell = (version: ModelVersion) =>
    csrf === undefined || version.active
      ? ''
      : actionForm(
          'activate',
          csrf,
          { model: version.name, version: version.version },
          'activate',
          `activate-${version.name}-${version.version}`,
        );
  const rollbackCell = (active: ModelVersion | undefined) => {
    if (csrf === undefined || active === undefined) return '';
    const earlier = data.versions.some(
      (version) => version.name === active.name && version.version < active.version,
    );
    return earlier
      ? actionForm('rollback', csrf, { model: active.name }, 'roll back', `rollback-${active.name}`)
      : '';
  };
  const versionRows = data.versions.map((version) => [
    version.name,
    version.version,
    version.active
      ? h`<strong data-testid="serving-${version.name}">serving</strong>`
      : activateCell(version),
    new Date(version.createdAt).toISOString().replace('T', ' ').slice(0, 19),
    Object.entries(version.metrics)
      .map(([metric, value]) => `${metric} ${formatNumber(value, Number.isInteger(value) ? 0 : 4)}`)
      .join(', ') || '–',
    h`<code>${version.checksum.slice(0, 12)}</code>`,
    storedFiles(version),
    version.path,
  ]);
  const curves = data.versions.filter((version) => version.trainingCurve !== undefined);
  const datasets = [...new Set(data.offline.map((row) => row.dataset))];
  return h`${section(
    'Which version serves',
    names.length === 0
      ? notice(
          'No model versions are registered in the store yet (they appear once training publishes one).',
          'no-models',
        )
      : table(
          ['model', 'serving version', 'published', ''],
          names.map((name) => {
            const active = serving.find((version) => version.name === name);
            return [
              name,
              active === undefined ? 'none active' : active.version,
              active === undefined ? '–' : new Date(active.createdAt).toISOString().slice(0, 10),
              rollbackCell(active),
            ];
          }),
          { id: 'serving-table' },
        ),
  )}
${section(
  'Versions',
  table(
    ['model', 'version', '', 'created (UTC)', 'metrics at publication', 'checksum', 'in the store', 'path'],
    versionRows,
    {
      id: 'versions-table',
      empty: 'No versions.',
    },
  ),
)}
${section(
  'Training curves',
  curves.length === 0
    ? notice(
        'No registered version carries a training curve (`trainingCurve` in its manifest.json).',
        'no-curves',
      )
    : h`<div class="grid">${curves.map((version) => {
        const curve = version.trainingCurve!;
        const measures = [...new Set(curve.flatMap((point) => Object.keys(point)))].filter(
          (key) => key !== 'epoch',
        );
        return chart(
          {
            title: { text: `${version.name} v${version.version}`, textStyle: { fontSize: 13 } },
            tooltip: { trigger: 'axis' },
            legend: { top: 22, right: 10 },
            grid: { top: 60, left: 50, right: 50, bottom: 30 },
            xAxis: { type: 'category', name: 'epoch', data: curve.map((point) => point.epoch) },
            yAxis: [
              { type: 'value', name: 'loss', scale: true },
              { type: 'value', name: 'metric', scale: true },
            ],
            series: measures.map((measure) => ({
              name: measure,
              type: 'line',
              yAxisIndex: measure.includes('loss') ? 0 : 1,
              data: curve.map((point) => point[measure] ?? null),
            })),
          },
          { id: `curve-${version.name}-${version.version}` },
        );
      })}</div>`,
)}
${section(
  'Offline metrics beside the anchors',
  data.offline.length === 0
    ? notice(
        `No offline evaluations found in ${data.benchResultsDir} (run the bench:* scripts).`,
        'no-offline',
      )
    : h`<p class="muted">Test-split figures from ${data.benchResultsDir}/*.json, ± the 95% half-width; the anchor is the published or previously measured figure of the same model on the same data set.</p>
${datasets.map((dataset) => {
  const rows = data.offline.filter((row) => row.dataset === dataset);
  return h`<h3>${dataset}</h3>${table(
    ['model', ...shownMetrics, 'file'],
    rows.map((row) => [row.model, ...shownMetrics.map((metric) => metricCell(row, metric)), row.file]),
    { id: `offline-${dataset}` },
  )}${chart(
    {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { top: 60, left: 50, right: 20, bottom: 30 },
      xAxis: {
        type: 'category',
        data: rows.map((row) => `${row.model} (${row.file.replace(/\.json$/, '')})`),
        axisLabel: { rotate: 15 },
      },
      yAxis: { type: 'value', name: 'recall@10' },
      series: [
        { name: 'genfeed', type: 'bar', data: rows.map((row) => row.metrics['recall@10'] ?? null) },
        { name: 'anchor', type: 'bar', data: rows.map((row) => row.anchor?.metrics['recall@10'] ?? null) },
      ],
    },
    { height: 260 },
  )}`;
})}`,
)}`;
}
