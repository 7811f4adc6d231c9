import { Command, InvalidArgumentError, Option } from 'commander';
import {
  assistantInputs,
  type CreatorEvent,
  type CreatorItem,
  type CreatorTrend,
  creatorPostingTimes,
  creatorTrends,
  DAY_MS,
  HOUR_MS,
  OpenAiTitleProvider,
  type TitleProvider,
  type TitleSuggestion,
  topicSeries,
  trainTitleSuggester,
  trendingTopics,
} from '../../assistant/index.js';
import { InvalidInputError } from '../../core/index.js';
import { loadDataset, type ReadReport } from '../../data/index.js';
import type { CliIo } from '../cli-io.js';
import { withDataOptions } from '../data-options.js';
import { reportSkipped } from '../evaluate.js';
import { parseInteger } from '../parse-flags.js';

/** `genfeed assistant trends|titles|posting-times`: the creator assistant on any data set. */
export function assistantCommand(io: CliIo): Command {
  return new Command('assistant')
    .description('The creator assistant: rising topics, title suggestions, when to post')
    .addCommand(trendsCommand(io))
    .addCommand(titlesCommand(io))
    .addCommand(postingTimesCommand(io));
}

function dataCommand(name: string): Command {
  return withDataOptions(new Command(name).requiredOption('--data <path>', 'data file or folder')).option(
    '--json',
    'print JSON instead of a table',
  );
}

async function inputsOf(
  flags: Record<string, unknown>,
  io: CliIo,
): Promise<{ events: CreatorEvent[]; items: CreatorItem[] }> {
  const reports: ReadReport[] = [];
  const dataset = await loadDataset(flags.data as string, {
    ...(typeof flags.format === 'string' && { format: flags.format as never }),
    ...(typeof flags.kuairecMatrix === 'string' && { kuairecMatrix: flags.kuairecMatrix as never }),
    skipBadRows: Boolean(flags.skipBadRows),
    reports,
  });
  reportSkipped(reports, io);
  return assistantInputs(dataset);
}

function trendsCommand(io: CliIo): Command {
  return dataCommand('trends')
    .description(
      "Rising topics (hashtags, categories) of the event log; with --creator, the ones closest to the creator's niche",
    )
    .option('--creator <id>', "rank by closeness to this author's items")
    .addOption(new Option('--bin <width>', 'time bin').choices(['hour', 'day']).default('day'))
    .option('--window <bins>', 'recent bins that count as now (default 1 day)', parseInteger)
    .option(
      '--period <bins>',
      'bins per season of the baseline (default 7 for days, 168 for hours)',
      parseInteger,
    )
    .option('--distinct-users', 'count each user once per topic and bin')
    .option('--limit <n>', 'topics to show', parseInteger, 10)
    .action(async (flags) => {
      const { events, items } = await inputsOf(flags, io);
      const binMs = flags.bin === 'hour' ? HOUR_MS : DAY_MS;
      const options = {
        binMs,
        period: flags.period ?? (flags.bin === 'hour' ? 168 : 7),
        windowBins: flags.window ?? Math.round(DAY_MS / binMs),
        distinctUsers: Boolean(flags.distinctUsers),
        limit: flags.limit,
      };
      const trends = flags.creator
        ? creatorTrends(flags.creator, events, items, options)
        : trendingTopics(topicSeries(events, items, options), options).slice(0, flags.limit);
      if (flags.json) return io.out(JSON.stringify(trends, null, 2));
      if (trends.length === 0) return io.out('no rising topic in the window');
      const header = ['topic', 'count', 'previous', 'growth %', 'expected', 'peak z', 'bursts'];
      const rows = trends.map((trend) => [
        trend.topic,
        String(trend.count),
        String(trend.previousCount),
        trend.growthPercent.toFixed(0),
        trend.expected.toFixed(1),
        Number.isFinite(trend.peakZ) ? trend.peakZ.toFixed(1) : '-',
        String(trend.burstBins),
        ...('similarity' in trend ? [(trend as CreatorTrend).similarity.toFixed(3)] : []),
      ]);
      io.out(table(flags.creator ? [...header, 'similarity'] : header, rows));
    });
}

function titlesCommand(io: CliIo): Command {
  const collect = (value: string, previous: string[]) => [...previous, value];
  return dataCommand('titles')
    .description(
      'Title suggestions for a draft: high-engagement captions of similar content, or an OpenAI-compatible LLM',
    )
    .requiredOption('--caption <text>', 'the draft caption')
    .option('--hashtag <tag>', 'a hashtag of the draft (repeatable)', collect, [])
    .option('--category <name>', 'a category level of the draft, coarse first (repeatable)', collect, [])
    .option('--count <n>', 'titles to suggest', parseInteger, 5)
    .option('--epochs <n>', 'training passes of the engagement predictor', parseInteger, 8)
    .option('--llm-url <url>', 'OpenAI-compatible base URL up to /v1 (then the LLM writes the titles)')
    .option('--llm-model <name>', 'model name for --llm-url')
    .option('--llm-key-env <var>', 'environment variable holding the API key', 'OPENAI_API_KEY')
    .option('--timeout <ms>', 'LLM request timeout', parseInteger, 20_000)
    .action(async (flags) => {
      if (flags.llmUrl && !flags.llmModel) throw new InvalidInputError('--llm-url needs --llm-model');
      const { events, items } = await inputsOf(flags, io);
      const hasCaptions = items.some((item) => item.caption);
      if (!hasCaptions)
        throw new InvalidInputError(`${flags.data} has no item with a caption: nothing to learn titles from`);
      let suggester: ReturnType<typeof trainTitleSuggester>;
      try {
        suggester = trainTitleSuggester(events, items, { epochs: flags.epochs });
      } catch (error) {
        throw new InvalidInputError(`${flags.data}: ${(error as Error).message}`, { cause: error });
      }
      const { predictor } = suggester;
      if (!predictor)
        io.logger.warn('every item has the same engagement: titles are ranked by similarity only');
      const draft = { caption: flags.caption, hashtags: flags.hashtag, categories: flags.category };
      const apiKey = process.env[flags.llmKeyEnv];
      const provider: TitleProvider = flags.llmUrl
        ? new OpenAiTitleProvider({
            baseUrl: flags.llmUrl,
            model: flags.llmModel,
            timeoutMs: flags.timeout,
            ...(apiKey && { apiKey }),
            ...(predictor && { predictor }),
          })
        : suggester.miner;
      const titles = await provider.suggest(draft, flags.count);
      const draftScore = predictor?.predict(draft);
      if (flags.json)
        return io.out(JSON.stringify({ draft: { ...draft, predicted: draftScore }, titles }, null, 2));
      if (draftScore !== undefined) io.out(`draft: P(high engagement) = ${draftScore.toFixed(3)}`);
      io.out(
        table(
          ['title', 'P(high)', 'similarity', 'engagement', 'from item'],
          titles.map((title: TitleSuggestion) => [
            title.title.replace(/\s+/g, ' '),
            title.predicted?.toFixed(3) ?? '-',
            title.similarity?.toFixed(3) ?? '-',
            title.engagement !== undefined ? String(title.engagement) : '-',
            title.itemId ?? '-',
          ]),
        ),
      );
    });
}

function postingTimesCommand(io: CliIo): Command {
  const parseOffset = (value: string) => {
    const hours = Number(value);
    if (!(Number.isFinite(hours) && Math.abs(hours) <= 14))
      throw new InvalidArgumentError(`expected hours in [-14, 14], got "${value}"`);
    return hours;
  };
  return dataCommand('posting-times')
    .description(
      "When to post: the hours of the week when the creator's fans are active, less the competition",
    )
    .requiredOption('--creator <id>', 'the author whose fans to read')
    .option('--utc-offset <hours>', "the creator's time zone, hours east of UTC", parseOffset, 0)
    .option('--windows <n>', 'windows to suggest', parseInteger, 3)
    .option('--window-hours <n>', 'hours per window', parseInteger, 2)
    .option('--min-interactions <n>', "events on the creator's items that make a user a fan", parseInteger, 2)
    .action(async (flags) => {
      const { events, items } = await inputsOf(flags, io);
      const answer = creatorPostingTimes(flags.creator, events, items, {
        utcOffsetHours: flags.utcOffset,
        minInteractions: flags.minInteractions,
        windowHours: flags.windowHours,
        count: flags.windows,
      });
      if (answer.fans === 0)
        throw new InvalidInputError(
          `Creator ${flags.creator} has no fans in ${flags.data} (no user with ${flags.minInteractions}+ events on their items)`,
        );
      const { windows } = answer;
      if (flags.json) return io.out(JSON.stringify(answer, null, 2));
      io.out(`${answer.fans} fans, ${answer.events.toFixed(1)} recency-weighted events of theirs`);
      io.out(
        table(
          ['window', 'share of fan activity', 'score'],
          windows.map((window) => [window.label, window.activityShare.toFixed(3), window.score.toFixed(4)]),
        ),
      );
    });
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((name, k) => Math.max(width(name), ...rows.map((row) => width(row[k] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, k) => cell + ' '.repeat(Math.max(0, widths[k]! - width(cell))))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Display width: CJK characters take two columns. */
function width(text: string): number {
  let total = 0;
  for (const character of text)
    total +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        character,
      )
        ? 2
        : 1;
  return total;
}
