import { describe, expect, it } from 'vitest';
import { formatReportMarkdown, formatReportTable } from './report-table.js';
import type { EvaluationReport } from './run-evaluation.js';

const report = {
  dataset: 'toy',
  model: 'pop',
  users: 12,
  metrics: {
    'recall@5': 0.25,
    'ndcg@5': 0.125,
    'recall@10': 0.5,
    'ndcg@10': 0.2,
    mrr: 0.1,
    'coverage@10': 0.3,
  },
  ci95: { 'recall@10': 0.05 },
  trainSeconds: 1.234,
  evalSeconds: 0.5,
  noRefit: { metrics: { 'recall@10': 0.375, 'ndcg@10': 0.1875 } },
} as unknown as EvaluationReport;

describe('report tables', () => {
  it('prints one aligned row per report with four-decimal metrics', () => {
    const lines = formatReportTable([report]).split('\n');
    expect(lines[0]).toMatch(
      /^dataset\s+model\s+R@5\s+N@5\s+R@10\s+±95%\s+N@10\s+MRR\s+Cov@10\s+R@10 no-refit\s+N@10 no-refit\s+users\s+train s\s+eval s$/,
    );
    expect(lines[2]).toMatch(
      /^toy\s+pop\s+0\.2500\s+0\.1250\s+0\.5000\s+0\.0500\s+0\.2000\s+0\.1000\s+0\.3000\s+0\.3750\s+0\.1875\s+12\s+1\.23\s+0\.50$/,
    );
  });

  it('prints - for the no-refit column of a report made before it existed', () => {
    const { noRefit: _, ...older } = report;
    const row = formatReportTable([older as EvaluationReport]).split('\n')[2]!;
    expect(row).toMatch(/0\.3000\s+-\s+-\s+12\s/);
  });

  it('renders Markdown with right-aligned metric columns', () => {
    const lines = formatReportMarkdown([report]).split('\n');
    expect(lines[1]).toBe('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    expect(lines[2]).toBe(
      '| toy | pop | 0.2500 | 0.1250 | 0.5000 | 0.0500 | 0.2000 | 0.1000 | 0.3000 | 0.3750 | 0.1875 | 12 | 1.23 | 0.50 |',
    );
  });
});
