import type { Estimate } from '../statistics/index.js';
import type { AbTestReport } from './ab-test.js';
import type { ValidityReport } from './validity.js';

const interval = (value: Estimate, digits: number) =>
  `${value.mean.toFixed(digits)} [${value.ci95[0].toFixed(digits)}, ${value.ci95[1].toFixed(digits)}]`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

/** The A/B report as text tables: per policy with 95% intervals over seeds, then lifts against the first policy. */
export function formatAbTest(report: AbTestReport): string {
  const policies = table(
    [
      'policy',
      'users',
      'stay s / user-day',
      'retention',
      'DAU',
      'satisfaction / imp.',
      'click',
      'long_view',
      'like',
      'follow',
    ],
    report.policies.map((policy) => [
      policy.name,
      String(Math.round(policy.users)),
      interval(policy.stayTimePerUserDay, 0),
      interval(policy.retention, 3),
      interval(policy.dau, 3),
      interval(policy.satisfactionPerImpression, 4),
      policy.signals.is_click.mean.toFixed(3),
      policy.signals.long_view.mean.toFixed(3),
      policy.signals.is_like.mean.toFixed(4),
      policy.signals.is_follow.mean.toFixed(5),
    ]),
  );
  const lines = [
    `${report.days} day(s), ${report.users} users, ${report.seeds} seed(s), ${report.warmupDays} warm-up day(s); ${report.impressions} impressions in ${report.seconds.toFixed(1)} s`,
    '',
    policies,
  ];
  if (report.comparisons.length > 0) {
    lines.push(
      '',
      table(
        ['a vs b', 'stay time lift %', 'retention lift %', 'DAU lift %', 'satisfaction lift %'],
        report.comparisons.map((comparison) => [
          `${comparison.a} vs ${comparison.b}`,
          interval(comparison.stayTimeLiftPct, 2),
          interval(comparison.retentionLiftPct, 2),
          interval(comparison.dauLiftPct, 2),
          interval(comparison.satisfactionLiftPct, 2),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

export function formatValidity(report: ValidityReport): string {
  return [
    table(
      ['model', 'real Recall@10', 'simulated satisfaction / imp.', 'simulated stay s / user-day'],
      report.rows.map((row) => [
        row.model,
        row.recallAt10.toFixed(4),
        row.satisfaction.toFixed(4),
        row.stayTimePerUserDay.toFixed(0),
      ]),
    ),
    '',
    `Spearman(real Recall@10, simulated satisfaction) = ${report.spearmanSatisfaction.toFixed(3)}; with stay time = ${report.spearmanStayTime.toFixed(3)} (${report.rows.length} models, ${report.days} day(s), ${report.seeds} seed(s))`,
  ].join('\n');
}
