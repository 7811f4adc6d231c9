import { Command, InvalidArgumentError, Option } from 'commander';
import { experimentReport, formatExperimentReport, TrafficSplit } from '../../serve/index.js';
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

/** `genfeed experiment set|list|report`: the traffic split and the per-pipeline report from the logged feeds and events. */
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
      const split = new TrafficSplit(name, flags.split);
      const store = await openFrom(flags, io);
      try {
        await store.putExperiment({
          name,
          split: flags.split,
          ...(flags.description !== undefined && { description: flags.description }),
        });
        io.out(
          `experiment ${name}: ${split.buckets.map((b) => `${b.name} ${(b.share * 100).toFixed(1)}%`).join(', ')}`,
        );
      } finally {
        await store.close();
      }
    }),
  );
  command.addCommand(
    withStore(new Command('list').description('The experiments and their splits')).action(async (flags) => {
      const store = await openFrom(flags, io);
      try {
        for (const experiment of await store.listExperiments())
          io.out(
            `${experiment.name}\t${Object.entries(experiment.split)
              .map(([name, weight]) => `${name}=${weight}`)
              .join(',')}\t${experiment.description ?? ''}`,
          );
      } finally {
        await store.close();
      }
    }),
  );
  command.addCommand(
    withStore(
      new Command('report')
        .description(
          'Per pipeline: requests, stay time per user-day, signal rates, returning users, CPU per request, with 95% CIs over users',
        )
        .option('--experiment <name>', 'only this experiment’s requests and events')
        .option('--since <time>', 'window start (unix ms or ISO 8601)', parseTime)
        .option('--until <time>', 'window end, exclusive', parseTime)
        .option('--baseline <pipeline>', 'pipeline the others are compared with (default cascade)')
        .option('--json', 'print the report as JSON'),
    ).action(async (flags) => {
      const store = await openFrom(flags, io);
      try {
        const report = await experimentReport(store, {
          ...(flags.experiment !== undefined && { experiment: flags.experiment }),
          ...(flags.since !== undefined && { since: flags.since }),
          ...(flags.until !== undefined && { until: flags.until }),
          ...(flags.baseline !== undefined && { baseline: flags.baseline }),
        });
        if (flags.json) io.out(JSON.stringify(report, null, 2));
        else if (report.pipelines.length === 0) io.out('no feeds logged in this window');
        else io.out(formatExperimentReport(report));
      } finally {
        await store.close();
      }
    }),
  );
  return command;
}
