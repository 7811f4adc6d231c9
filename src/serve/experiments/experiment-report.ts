import type { StageCost } from '../../feed/index.js';
import { asEstimate, differenceInterval, type Estimate, estimate } from '../../statistics/index.js';
import {
  type BinarySignal,
  binarySignals,
  type PipelineUserStats,
  type StatsOptions,
  type Store,
} from '../../storage/index.js';
import type { PipelineCost } from './stage-ledger.js';

export interface ExperimentReportOptions extends StatsOptions {
  /** Per-stage costs of this server since it started (`FeedService.stages.costs()`); the store keeps totals only. */
  costs?: readonly PipelineCost[];
  /** The pipeline others are compared with (default `cascade` when it served). */
  baseline?: string;
}

/** One pipeline's side of the experiment. Estimates are means over users with a 95% t interval. */
export interface PipelineReport {
  pipeline: string;
  requests: number;
  users: number;
  impressions: number;
  events: number;
  cpuMsPerRequest: number;
  latencyMsPerRequest: number;
  /** This server's per-stage means and latency percentiles, when `costs` were given. */
  stages?: Record<string, StageCost>;
  p50Ms?: number;
  p99Ms?: number;
  /** Seconds watched per active day, per user (users served who watched nothing count 0). */
  stayTimePerUserDay: Estimate;
  /** Per user: events with the signal / events (users with events). */
  signalRates: Record<BinarySignal, Estimate>;
  /** Per user: distinct UTC days with a request or an event. */
  activeDays: Estimate;
  /** Share of users active on two or more days (the retention the window allows). */
  returningUsers: Estimate;
}

export interface PipelineComparison {
  pipeline: string;
  baseline: string;
  /** Difference of stay time per user-day (seconds), pipeline minus baseline, Welch 95% interval. */
  stayTimeDifference: Estimate;
  /** The difference over the baseline's mean (e.g. 0.05 = +5%). */
  stayTimeLift: number;
  /** CPU per request over the baseline's (the OneRec cost figure). */
  cpuRatio: number;
}

export interface ExperimentReport {
  experiment?: string;
  since?: number;
  until?: number;
  pipelines: PipelineReport[];
  comparisons: PipelineComparison[];
}

/**
 * The per-pipeline report of a user-bucketed experiment from the logged feeds
 * and events (`pipelineStats` and `pipelineUserStats`): requests, cost per
 * request, stay time per user-day, signal rates and returning users with 95%
 * confidence intervals over users (the unit of randomisation), and each
 * pipeline against the baseline. Events are attributed to the pipeline that
 * served the feed they came from.
 */
export async function experimentReport(
  store: Store,
  options: ExperimentReportOptions = {},
): Promise<ExperimentReport> {
  const { costs, baseline: baselineOption, ...window } = options;
  const [totals, perUser] = await Promise.all([store.pipelineStats(window), store.pipelineUserStats(window)]);
  const usersOf = new Map<string, PipelineUserStats[]>();
  for (const row of perUser) {
    const list = usersOf.get(row.pipeline) ?? [];
    list.push(row);
    usersOf.set(row.pipeline, list);
  }
  const costOf = new Map((costs ?? []).map((cost) => [cost.pipeline, cost]));
  const pipelines = totals.map((total): PipelineReport => {
    const users = usersOf.get(total.pipeline) ?? [];
    const withEvents = users.filter((user) => user.events > 0);
    const signalRates = {} as Record<BinarySignal, Estimate>;
    for (const signal of binarySignals)
      signalRates[signal] = estimate(withEvents.map((user) => user.signals[signal] / user.events));
    const cost = costOf.get(total.pipeline);
    const report: PipelineReport = {
      pipeline: total.pipeline,
      requests: total.requests,
      users: users.length,
      impressions: total.impressions,
      events: total.events,
      cpuMsPerRequest: total.requests > 0 ? total.cpuMs / total.requests : 0,
      latencyMsPerRequest: total.requests > 0 ? total.latencyMs / total.requests : 0,
      stayTimePerUserDay: estimate(users.map(stayTimePerDay)),
      signalRates,
      activeDays: estimate(users.map((user) => user.activeDays)),
      returningUsers: estimate(users.map((user) => (user.activeDays >= 2 ? 1 : 0))),
    };
    if (cost !== undefined)
      Object.assign(report, { stages: cost.stages, p50Ms: cost.p50Ms, p99Ms: cost.p99Ms });
    return report;
  });
  const baseline = baselineOption ?? (totals.some((t) => t.pipeline === 'cascade') ? 'cascade' : undefined);
  const comparisons: PipelineComparison[] = [];
  const base = pipelines.find((p) => p.pipeline === baseline);
  if (base !== undefined)
    for (const report of pipelines) {
      if (report === base) continue;
      // Welch's interval with the rounded z = 1.96 this report has always printed.
      const difference = asEstimate(
        differenceInterval(
          (usersOf.get(report.pipeline) ?? []).map(stayTimePerDay),
          (usersOf.get(base.pipeline) ?? []).map(stayTimePerDay),
          { critical: 1.96 },
        ),
      );
      comparisons.push({
        pipeline: report.pipeline,
        baseline: base.pipeline,
        stayTimeDifference: difference,
        stayTimeLift: difference.mean / base.stayTimePerUserDay.mean,
        cpuRatio: report.cpuMsPerRequest / base.cpuMsPerRequest,
      });
    }
  const result: ExperimentReport = { pipelines, comparisons };
  if (window.experiment !== undefined) result.experiment = window.experiment;
  if (window.since !== undefined) result.since = window.since;
  if (window.until !== undefined) result.until = window.until;
  return result;
}

function stayTimePerDay(user: PipelineUserStats): number {
  return user.playTimeMs / 1000 / Math.max(1, user.activeDays);
}

/** The report as a plain-text table (the CLI and the demo print it). */
/** A header and rows as lines of left-aligned columns two spaces apart (a terminal's table). */
export function alignedColumns(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), ...rows.map(line)];
}

export function formatExperimentReport(report: ExperimentReport): string {
  const number = (value: number, digits = 2): string =>
    Number.isFinite(value) ? value.toFixed(digits) : '-';
  const interval = (e: Estimate, digits = 2, scale = 1): string =>
    `${number(e.mean * scale, digits)} [${number(e.ci95[0] * scale, digits)}, ${number(e.ci95[1] * scale, digits)}]`;
  const header = [
    'pipeline',
    'requests',
    'users',
    'stay s/user-day',
    'like %',
    'long view %',
    'returning %',
    'cpu ms/req',
  ];
  const rows = report.pipelines.map((p) => [
    p.pipeline,
    String(p.requests),
    String(p.users),
    interval(p.stayTimePerUserDay, 1),
    interval(p.signalRates.like, 1, 100),
    interval(p.signalRates.longView, 1, 100),
    interval(p.returningUsers, 0, 100),
    number(p.cpuMsPerRequest, 3),
  ]);
  const lines = alignedColumns(header, rows);
  for (const p of report.pipelines)
    if (p.stages !== undefined)
      lines.push(
        `${p.pipeline} cpu ms/req by stage: ${Object.entries(p.stages)
          .map(([stage, cost]) => `${stage} ${number(cost.cpuMs, 3)}`)
          .join(', ')}; p50 ${number(p.p50Ms ?? Number.NaN)} ms, p99 ${number(p.p99Ms ?? Number.NaN)} ms`,
      );
  for (const c of report.comparisons)
    lines.push(
      `${c.pipeline} vs ${c.baseline}: stay time ${interval(c.stayTimeDifference, 1)} s/user-day (${number(c.stayTimeLift * 100, 1)}%), cpu ratio ${number(c.cpuRatio, 3)}`,
    );
  return lines.join('\n');
}
