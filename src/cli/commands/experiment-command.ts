import { Command, InvalidArgumentError, Option } from 'commander';
import {
  alignedColumns,
  type BucketsReport,
  dataWindow,
  ExperimentService,
  TrafficSplit,
  windowBetween,
} from '../../serve/index.js';
import type { Interval } from '../../statistics/index.js';
import { DEFAULT_SQLITE_PATH, openStore, type Store, type StoreLocation } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';

/** `generative=25,cascade=75` -> `{ generative: 25, cascade: 75 }`. */
export function parseSplit(value: string): Record<string, number> {
  const split: Record<string, number> = {};
  for (const part of value.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*([^=\s]+)\s*$/.exec(part);
    const weight = match === null ? Number.NaN : Number(match[2]);
    if (match === null || !Number.isFinite(weight))
      throw new InvalidArgumentError(
        `expected name=weight pairs like generative=25,cascade=75, got "${part}"`,
      );
    split[match[1]!] = weight;
  }
  return split;
}

/** A time flag: unix ms, or an ISO 8601 date or time. */
export function parseTime(value: string): number {
  const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time))
    throw new InvalidArgumentError(`expected unix ms or an ISO 8601 date, got "${value}"`);
  return time;
}

function withStore(command: Command): Command {
  return command
    .addOption(
      new Option('--db <file>', `SQLite database file (default ${DEFAULT_SQLITE_PATH})`).conflicts(
        'postgres',
      ),
    )
    .addOption(
      new Option('--postgres <url>', 'PostgreSQL connection string instead of SQLite').env(
        'GENFEED_POSTGRES_URL',
      ),
    );
}

async function openFrom(flags: { db?: string; postgres?: string }, io: CliIo): Promise<Store> {
  const location: StoreLocation = flags.postgres
    ? { postgres: flags.postgres }
    : { sqlite: flags.db ?? DEFAULT_SQLITE_PATH };
  return openStore(location, { logger: io.logger });
}

/** Runs `use` on the command's store and closes it. */
async function withExperiments<T>(
  flags: { db?: string; postgres?: string },
  io: CliIo,
  use: (experiments: ExperimentService, store: Store) => Promise<T>,
): Promise<T> {
  const store = await openFrom(flags, io);
  try {
    return await use(new ExperimentService(store), store);
  } finally {
    await store.close();
  }
}

function sharesOf(split: Readonly<Record<string, number>>, name: string): string {
  return new TrafficSplit(name, split).buckets
    .map((bucket) => `${bucket.name} ${(bucket.share * 100).toFixed(1)}%`)
    .join(', ');
}

/** The report as a plain-text table: the admin API's `/v1/admin/experiments/{name}/report` figures. */
export function formatBucketsReport(report: BucketsReport): string {
  const number = (value: number, digits: number): string =>
    Number.isFinite(value) ? value.toFixed(digits) : '-';
  const interval = (value: Interval | undefined, digits: number, scale = 1): string =>
    value === undefined
      ? '-'
      : `${number(value.value * scale, digits)} [${number(value.low * scale, digits)}, ${number(value.high * scale, digits)}]`;
  const header = [
    'pipeline',
    'requests',
    'users',
    'stay s/user-day',
    'retention %',
    'like %',
    'long view %',
    'cpu ms/req',
  ];
  const rows = report.buckets.map((bucket) => [
    bucket.pipeline,
    String(bucket.requests),
    String(bucket.users),
    interval(bucket.stayTimeSecondsPerUserDay, 1),
    interval(bucket.retention, 0, 100),
    interval(bucket.signalRates.like, 1, 100),
    interval(bucket.signalRates.longView, 1, 100),
    number(bucket.cpuMsPerRequest, 3),
  ]);
  const lines = alignedColumns(header, rows);
  const reference = report.buckets.find((bucket) => bucket.pipeline === report.reference);
  for (const bucket of report.buckets) {
    if (bucket === reference || reference === undefined) continue;
    lines.push(
      `${bucket.pipeline} vs ${reference.pipeline}: stay time ${interval(bucket.stayTimeLift, 1, 100)}%, cpu ratio ${number(bucket.cpuMsPerRequest / reference.cpuMsPerRequest, 3)}`,
    );
  }
  return lines.join('\n');
}

/**
 * `genfeed experiment set|list|stop|report`: the admin API's experiment
 * routes on the machine that holds the store, through the same `ExperimentService`.
 */
export function experimentCommand(io: CliIo): Command {
  const command = new Command('experiment').description(
    'Split traffic between pipelines by user and report which one wins (docs/serve-feeds.md)',
  );
  command.addCommand(
    withStore(
      new Command('set')
        .description('Create or change an experiment’s traffic split (servers pick it up within a second)')
        .argument('<name>', 'experiment name')
        .requiredOption(
          '--split <weights>',
          'pipeline=weight pairs, e.g. generative=25,cascade=75',
          parseSplit,
        )
        .option('--description <text>', 'what the experiment tests'),
    ).action(async (name: string, flags) => {
      const saved = await withExperiments(flags, io, (experiments) =>
        experiments.save({
          name,
          split: flags.split,
          ...(flags.description !== undefined && { description: flags.description }),
        }),
      );
      io.out(`experiment ${name}: ${sharesOf(saved.split, name)}`);
    }),
  );
  command.addCommand(
    withStore(new Command('list').description('The running experiments and their splits')).action(
      async (flags) => {
        for (const experiment of await withExperiments(flags, io, (experiments) => experiments.list()))
          io.out(
            `${experiment.name}\t${Object.entries(experiment.split)
              .map(([name, weight]) => `${name}=${weight}`)
              .join(',')}\t${experiment.description ?? ''}`,
          );
      },
    ),
  );
  command.addCommand(
    withStore(
      new Command('stop')
        .description('Stop an experiment: servers go back to their default pipeline; its report stays')
        .argument('<name>', 'experiment name'),
    ).action(async (name: string, flags) => {
      const stopped = await withExperiments(flags, io, (experiments) => experiments.stop(name));
      io.out(`experiment ${name} stopped (it ran ${sharesOf(stopped.split, name)})`);
    }),
  );
  command.addCommand(
    withStore(
      new Command('report')
        .description(
          'Per pipeline: requests, stay time per user-day, retention, signal rates, CPU per request, with 95% intervals over users (the dashboard’s Experiments figures)',
        )
        .option('--experiment <name>', 'only this experiment’s requests and events')
        .option(
          '--days <n>',
          'whole UTC days ending on the newest event’s day (default 14, fewer for a younger log)',
          parseDays,
        )
        .option('--since <time>', 'window start instead (unix ms or ISO 8601)', parseTime)
        .option(
          '--until <time>',
          'window end, exclusive (default: the end of the newest event’s day)',
          parseTime,
        )
        .option('--baseline <pipeline>', 'pipeline the others are compared with (default cascade)')
        .option('--json', 'print the report as JSON (the admin API’s body)'),
    ).action(async (flags) => {
      const report = await withExperiments(flags, io, async (experiments, store) => {
        const window =
          flags.since === undefined && flags.until === undefined
            ? await dataWindow(store, flags.days, Date.now())
            : windowBetween(flags.since ?? 0, flags.until ?? (await dataWindow(store, 1, Date.now())).until);
        return experiments.report(window, {
          ...(flags.experiment !== undefined && { experiment: flags.experiment }),
          ...(flags.baseline !== undefined && { reference: flags.baseline }),
        });
      });
      const body = flags.experiment === undefined ? report : { experiment: flags.experiment, ...report };
      if (flags.json) io.out(JSON.stringify(body, null, 2));
      else if (report.buckets.length === 0) io.out('no feeds logged in this window');
      else io.out(formatBucketsReport(report));
    }),
  );
  return command;
}

function parseDays(value: string): number {
  const days = Number(value);
  if (!/^\d{1,3}$/.test(value) || days < 1 || days > 366)
    throw new InvalidArgumentError(`expected a whole number of days from 1 to 366, got "${value}"`);
  return days;
}
