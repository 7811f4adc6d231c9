import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { baselineSpecs } from '../../baselines/index.js';
import { InvalidInputError } from '../../core/index.js';
import { formatReportTable } from '../../eval/index.js';
import { formatAbSummary, runDemo } from '../../platform/index.js';
import type { CliIo } from '../cli-io.js';
import { evaluateModel, loadSplit } from '../evaluate.js';
import { demoDataPath } from '../package-paths.js';
import { parseInteger } from '../parse-flags.js';
import { terminalProgress } from '../terminal-progress.js';

/**
 * The main job on nothing downloaded: the live generative-vs-cascade A/B test
 * on a simulated platform (docs/demo.md). `--baselines` runs the earlier
 * offline evaluation of the classic baselines on the demo shop instead.
 */
export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description(
      'Run genfeed on a simulated platform (nothing downloaded): train the generative model and the cascade, serve both over HTTP in a 50/50 experiment, drive simulated users, print the live A/B summary',
    )
    .option(
      '--duration <seconds>',
      'stop after this many seconds of traffic (default: until Ctrl-C)',
      parsePositive,
    )
    .option('--json <file>', 'write the final A/B summary as JSON')
    .option('--port <n>', 'port of the API (taken: any free port)', parseInteger, 8080)
    .option('--host <host>', 'interface the API listens on', '127.0.0.1')
    .option('--dir <dir>', 'working folder (recreated each run): demo.sqlite, models, registry', '.genfeed')
    .option('--users <n>', 'simulated users', parseInteger, 1000)
    .option('--items <n>', 'videos in the catalogue', parseInteger, 2000)
    .option('--days <n>', 'days of logs simulated under the baseline policy before training', parseInteger, 2)
    .option(
      '--epochs <n>',
      "epochs of the generative model's training (default: the demo preset's 12)",
      parseInteger,
    )
    .option(
      '--generative-share <percent>',
      'share of users in the generative bucket (the rest: cascade)',
      parseInteger,
      50,
    )
    .option('--seconds-per-day <s>', 'real seconds one simulated day takes', parsePositive, 60)
    .option('--summary-every <s>', 'seconds between live summaries', parsePositive, 5)
    .option('--no-reward', 'skip the reward model (the cascade ranks by its pre-rank score)')
    .option('--seed <n>', 'random seed', parseInteger, 42)
    .option(
      '--baselines',
      'instead: evaluate the classic baselines offline on the demo shop (the earlier demo)',
    )
    .action(async (flags) => {
      if (flags.baselines) return baselines(io, flags.seed);
      const share = flags.generativeShare as number;
      if (share < 0 || share > 100)
        throw new InvalidInputError(`--generative-share must be 0 to 100, got ${share}`);
      const controller = new AbortController();
      const interrupt = () => {
        if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: now
        io.logger.info('stopping after the pages in flight (Ctrl-C again to quit at once)');
        controller.abort();
      };
      process.on('SIGINT', interrupt);
      try {
        const result = await runDemo({
          dir: resolve(flags.dir),
          port: flags.port,
          host: flags.host,
          users: flags.users,
          items: flags.items,
          days: flags.days,
          seed: flags.seed,
          ...(flags.epochs !== undefined && {
            generative: { epochs: flags.epochs, decayEpochs: flags.epochs },
          }),
          reward: flags.reward,
          split: { generative: share, cascade: 100 - share },
          secondsPerDay: flags.secondsPerDay,
          summaryEverySeconds: flags.summaryEvery,
          ...(flags.duration === undefined ? {} : { durationSeconds: flags.duration }),
          signal: controller.signal,
          logger: io.logger,
          progress: terminalProgress(io.interactive),
          onListening: (urls) => {
            io.out(
              [
                `API       ${urls.api}  (key: ${urls.apiKey})`,
                ...(urls.dashboard === undefined
                  ? []
                  : [`dashboard ${urls.dashboard}  (log in with the key)`]),
                `OpenAPI   ${urls.openapi}`,
                `metrics   ${urls.metrics}  (admin key)`,
                `try       curl -H 'Authorization: Bearer ${urls.apiKey}' ${urls.api}/v1/users/0/feed?n=5`,
                flags.duration === undefined
                  ? 'simulated users are watching; Ctrl-C stops and prints the summary'
                  : `simulated users are watching for ${flags.duration} s`,
              ].join('\n'),
            );
          },
          onSummary: (summary) => io.out(`\n${formatAbSummary(summary)}`),
        });
        io.out(`\nfinal A/B summary\n${formatAbSummary(result)}`);
        io.out(
          `store: ${result.store.events} events, ${result.store.requests} feed requests; generative held-out Recall@10 ${result.training.generative.recallAt10.toFixed(4)}`,
        );
        if (flags.json) {
          writeFileSync(flags.json, `${JSON.stringify(result, null, 2)}\n`);
          io.out(`wrote ${flags.json}`);
        }
      } finally {
        process.off('SIGINT', interrupt);
      }
    });
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new InvalidInputError(`Expected a positive number, got "${value}"`);
  return number;
}

async function baselines(io: CliIo, seed: number): Promise<void> {
  io.logger.info(`demo data: ${demoDataPath} (synthetic shop, generated by genfeed)`);
  const { dataset, split } = await loadSplit(demoDataPath, { format: 'sequences' }, io);
  const reports = [];
  for (const spec of baselineSpecs) {
    reports.push(await evaluateModel(spec, split, { dataset: dataset.name, seed, refit: true }, io));
  }
  io.out(formatReportTable(reports));
  io.out(
    `protocol: ${reports[0]!.protocol.split}; ${reports[0]!.protocol.fitPolicy}; ${reports[0]!.protocol.ranking}`,
  );
}
