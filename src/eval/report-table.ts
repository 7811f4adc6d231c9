import type { EvaluationReport } from './run-evaluation.js';

const columns: Array<[header: string, cell: (report: EvaluationReport) => string]> = [
  ['dataset', (report) => report.dataset],
  ['model', (report) => report.model],
  ['R@5', (report) => metric(report, 'recall@5')],
  ['N@5', (report) => metric(report, 'ndcg@5')],
  ['R@10', (report) => metric(report, 'recall@10')],
  ['±95%', (report) => (report.ci95['recall@10'] === undefined ? '-' : report.ci95['recall@10'].toFixed(4))],
  ['N@10', (report) => metric(report, 'ndcg@10')],
  ['MRR', (report) => metric(report, 'mrr')],
  ['Cov@10', (report) => metric(report, 'coverage@10')],
  // The no-refit column (the validation model on the test), beside the refit one above.
  ['R@10 no-refit', (report) => figure(report.noRefit?.metrics, 'recall@10')],
  ['N@10 no-refit', (report) => figure(report.noRefit?.metrics, 'ndcg@10')],
  ['users', (report) => String(report.users)],
  ['train s', (report) => report.trainSeconds.toFixed(2)],
  ['eval s', (report) => report.evalSeconds.toFixed(2)],
];

/**
 * A plain-text table of evaluation reports, one row each: the test metrics of
 * the report's fit policy (refit by default), then R@10 and N@10 without refit.
 */
export function formatReportTable(reports: readonly EvaluationReport[]): string {
  const rows = [
    columns.map(([header]) => header),
    ...reports.map((report) => columns.map(([, cell]) => cell(report))),
  ];
  const widths = columns.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, index) => (index < 2 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
      .join('  ');
  const [header, ...body] = rows;
  return [line(header!), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}

/** The same table as Markdown, for the README and result files. */
export function formatReportMarkdown(reports: readonly EvaluationReport[]): string {
  const rows = reports.map((report) => `| ${columns.map(([, cell]) => cell(report)).join(' | ')} |`);
  const header = `| ${columns.map(([name]) => name).join(' | ')} |`;
  const rule = `|${columns.map((_, index) => (index < 2 ? '---' : '---:')).join('|')}|`;
  return [header, rule, ...rows].join('\n');
}

function metric(report: EvaluationReport, key: string): string {
  return figure(report.metrics, key);
}

/** `-` when absent (a report older than the no-refit column has none). */
function figure(metrics: Record<string, number> | undefined, key: string): string {
  const value = metrics?.[key];
  return value === undefined ? '-' : value.toFixed(4);
}
