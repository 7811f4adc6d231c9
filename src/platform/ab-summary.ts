import type { Outcome } from '../simulate/index.js';
import { meanAndHalfWidth, quantile } from '../statistics/index.js';
import { type BinarySignal, binarySignals } from '../storage/index.js';

/** One pipeline's figures in the live A/B summary (and `genfeed demo --json`). */
export interface PipelineSummary {
  name: string;
  /** Feed requests it served. */
  requests: number;
  impressions: number;
  /** Distinct simulated users it served. */
  users: number;
  /** Simulated (user, day) pairs with at least one of its feeds. */
  userDays: number;
  /** Seconds of watching (play + profile + comment stay) per active user-day, and its 95% CI half-width. */
  stayTimePerUserDay: number;
  stayTimeCi95: number;
  /** Impressions per active user-day. */
  impressionsPerUserDay: number;
  /** Hidden ground-truth satisfaction per impression (the simulator's, never logged). */
  satisfaction: number;
  /** Each signal's rate per impression. */
  signalRates: Record<BinarySignal, number>;
  /** Server-measured CPU milliseconds per feed request (the FeedSource's cpuMs), mean and p99. */
  cpuMsPerRequest: number;
  /** Server-measured feed latency (ms): p50 and p99. */
  p50Ms: number;
  p99Ms: number;
  /** Round trip seen by the simulated client (HTTP, JSON, the driver's own event loop: a worker thread in the demo): p99. */
  clientP99Ms: number;
  /** Feed requests that failed (non-2xx or network). */
  errors: number;
}

export interface AbSummary {
  /** Wall seconds of driving the summary covers. */
  seconds: number;
  /** Simulated days started. */
  simulatedDays: number;
  pipelines: PipelineSummary[];
  /** Stay time per user-day of each pipeline relative to the reference (`AbTally.control`, else the first by name that served): (x - ref) / ref. */
  stayTimeLift?: Record<string, number>;
  /** CPU per request of each pipeline divided by the reference's. */
  cpuRatio?: Record<string, number>;
  eventsPosted: number;
  eventErrors: number;
}

interface PipelineTally {
  requests: number;
  impressions: number;
  errors: number;
  users: Set<number>;
  /** Stay milliseconds by `${user}:${day}`. */
  stayByUserDay: Map<string, number>;
  satisfaction: number;
  signals: Record<BinarySignal, number>;
  cpuMs: number[];
  latencyMs: number[];
  clientMs: number[];
}

/**
 * Accumulates what the traffic driver observes, per pipeline: every served feed
 * (server CPU and latency, client round trip) and every simulated response.
 * Only counts; `summary()` turns them into the A/B figures.
 */
export class AbTally {
  readonly #pipelines = new Map<string, PipelineTally>();
  readonly #started = performance.now();
  simulatedDays = 0;
  eventsPosted = 0;
  eventErrors = 0;
  /** The arm the others are compared with (the caller's control, e.g. the cascade); unset: the first by name that served. */
  control: string | undefined;

  #of(pipeline: string): PipelineTally {
    let tally = this.#pipelines.get(pipeline);
    if (tally === undefined) {
      tally = {
        requests: 0,
        impressions: 0,
        errors: 0,
        users: new Set(),
        stayByUserDay: new Map(),
        satisfaction: 0,
        signals: Object.fromEntries(binarySignals.map((signal) => [signal, 0])) as Record<
          BinarySignal,
          number
        >,
        cpuMs: [],
        latencyMs: [],
        clientMs: [],
      };
      this.#pipelines.set(pipeline, tally);
    }
    return tally;
  }

  /** A feed served to `user` on simulated `day`. */
  feed(
    pipeline: string,
    user: number,
    day: number,
    cost: { cpuMs: number; latencyMs: number; clientMs: number },
  ) {
    const tally = this.#of(pipeline);
    tally.requests++;
    tally.users.add(user);
    const key = `${user}:${day}`;
    if (!tally.stayByUserDay.has(key)) tally.stayByUserDay.set(key, 0);
    tally.cpuMs.push(cost.cpuMs);
    tally.latencyMs.push(cost.latencyMs);
    tally.clientMs.push(cost.clientMs);
  }

  /** A feed request that failed; `pipeline` is the user's last known one, else `unknown`. */
  error(pipeline: string): void {
    this.#of(pipeline).errors++;
  }

  /** The user's response to one served item. */
  impression(pipeline: string, user: number, day: number, outcome: Outcome): void {
    const tally = this.#of(pipeline);
    tally.impressions++;
    const key = `${user}:${day}`;
    const stay = outcome.playTimeMs + outcome.profileStayMs + outcome.commentStayMs;
    tally.stayByUserDay.set(key, (tally.stayByUserDay.get(key) ?? 0) + stay);
    tally.satisfaction += outcome.satisfaction;
    for (const signal of binarySignals) tally.signals[signal] += outcome[signal];
  }

  summary(): AbSummary {
    const pipelines = [...this.#pipelines.entries()]
      .map(([name, tally]) => summarise(name, tally))
      .sort((a, b) => a.name.localeCompare(b.name));
    const reference =
      pipelines.find((pipeline) => pipeline.name === this.control) ??
      pipelines.find((pipeline) => pipeline.requests > 0);
    const result: AbSummary = {
      seconds: (performance.now() - this.#started) / 1000,
      simulatedDays: this.simulatedDays,
      pipelines,
      eventsPosted: this.eventsPosted,
      eventErrors: this.eventErrors,
    };
    if (reference !== undefined && pipelines.length > 1) {
      result.stayTimeLift = {};
      result.cpuRatio = {};
      for (const pipeline of pipelines) {
        if (pipeline === reference) continue;
        result.stayTimeLift[pipeline.name] = ratio(
          pipeline.stayTimePerUserDay - reference.stayTimePerUserDay,
          reference.stayTimePerUserDay,
        );
        result.cpuRatio[pipeline.name] = ratio(pipeline.cpuMsPerRequest, reference.cpuMsPerRequest);
      }
    }
    return result;
  }
}

function summarise(name: string, tally: PipelineTally): PipelineSummary {
  const stays = [...tally.stayByUserDay.values()].map((ms) => ms / 1000);
  // The rounded z = 1.96 the demo has always printed; no user-days yet read 0 ± 0, so the JSON stays finite.
  const stay = stays.length === 0 ? { mean: 0, halfWidth: 0 } : meanAndHalfWidth(stays, { critical: 1.96 });
  const impressions = tally.impressions;
  return {
    name,
    requests: tally.requests,
    impressions,
    users: tally.users.size,
    userDays: stays.length,
    stayTimePerUserDay: stay.mean,
    stayTimeCi95: stay.halfWidth,
    impressionsPerUserDay: ratio(impressions, stays.length),
    satisfaction: ratio(tally.satisfaction, impressions),
    signalRates: Object.fromEntries(
      binarySignals.map((signal) => [signal, ratio(tally.signals[signal], impressions)]),
    ) as Record<BinarySignal, number>,
    cpuMsPerRequest: ratio(
      tally.cpuMs.reduce((sum, value) => sum + value, 0),
      tally.cpuMs.length,
    ),
    p50Ms: quantile(tally.latencyMs, 0.5),
    p99Ms: quantile(tally.latencyMs, 0.99),
    clientP99Ms: quantile(tally.clientMs, 0.99),
    errors: tally.errors,
  };
}

/** a / b, 0 when b is 0 (so every figure of the JSON stays finite). */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

const percent = (value: number) => `${(100 * value).toFixed(2)}%`;

/** The summary as a fixed-width table (one column per pipeline). */
export function formatAbSummary(summary: AbSummary): string {
  const pipelines = summary.pipelines;
  const rows: Array<[string, (p: PipelineSummary) => string]> = [
    ['requests', (p) => String(p.requests)],
    ['errors', (p) => String(p.errors)],
    ['users / user-days', (p) => `${p.users} / ${p.userDays}`],
    ['stay s per user-day', (p) => `${p.stayTimePerUserDay.toFixed(1)} ± ${p.stayTimeCi95.toFixed(1)}`],
    ['impressions per user-day', (p) => p.impressionsPerUserDay.toFixed(1)],
    ['satisfaction (hidden)', (p) => p.satisfaction.toFixed(4)],
    ...binarySignals.map(
      (signal) =>
        [`${signal} rate`, (p: PipelineSummary) => percent(p.signalRates[signal])] as [
          string,
          (p: PipelineSummary) => string,
        ],
    ),
    ['CPU ms per request', (p) => p.cpuMsPerRequest.toFixed(2)],
    ['latency p50 / p99 ms', (p) => `${p.p50Ms.toFixed(1)} / ${p.p99Ms.toFixed(1)}`],
    ['client p99 ms', (p) => p.clientP99Ms.toFixed(1)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const columns = pipelines.map((pipeline) =>
    Math.max(pipeline.name.length, ...rows.map(([, value]) => value(pipeline).length)),
  );
  const line = (label: string, cells: string[]) =>
    `${label.padEnd(width)}  ${cells.map((cell, i) => cell.padStart(columns[i]!)).join('  ')}`;
  const lines = [
    line(
      `after ${summary.seconds.toFixed(0)} s, day ${summary.simulatedDays}`,
      pipelines.map((p) => p.name),
    ),
    ...rows.map(([label, value]) => line(label, pipelines.map(value))),
  ];
  for (const [name, lift] of Object.entries(summary.stayTimeLift ?? {})) {
    const cpu = summary.cpuRatio?.[name] ?? 0;
    lines.push(
      `${name} vs reference: stay time ${lift >= 0 ? '+' : ''}${percent(lift)}, CPU x${cpu.toFixed(3)}`,
    );
  }
  return lines.join('\n');
}
