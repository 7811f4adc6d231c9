import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { InvalidInputError } from '../../core/index.js';
import { readKuaiRecCaptions } from '../../data/index.js';
import {
  CategoryClassifier,
  EmbeddedTagger,
  OpenAiVisionTagger,
  type Tagger,
  type TaggerInput,
  type TagResult,
} from '../../understand/index.js';
import type { CliIo } from '../cli-io.js';
import { parseInteger } from '../parse-flags.js';

/**
 * `genfeed tag`: tags videos from their text (and media with ffmpeg), with the
 * embedded tagger or an OpenAI-compatible vision-language server.
 *
 *   genfeed tag --caption "周末打篮球" --hashtags "篮球,NBA" --model category.safetensors
 *   genfeed tag --file items.jsonl --model category.safetensors
 *   genfeed tag --train kuairec_caption_category.csv --model category.safetensors
 *   genfeed tag --caption "..." --vlm-url http://localhost:8000/v1 --vlm-model Keye-VL-8B
 */
export function tagCommand(io: CliIo): Command {
  return new Command('tag')
    .description('Tag videos: category path, elements/actions/emotions, language, topics, content vector')
    .option('--caption <text>', "the video's caption")
    .option('--cover-text <text>', 'text on the cover image')
    .option('--hashtags <list>', 'comma-separated hashtags')
    .option('--media <file>', 'a video or image file (frames need the Debian ffmpeg package)')
    .option('--file <items.jsonl>', 'one JSON object per line: {caption, coverText, hashtags, mediaPath}')
    .option('--model <classifier.safetensors>', 'category classifier to load (or to write with --train)')
    .option(
      '--train <captions.csv>',
      'train the category classifier on KuaiRec kuairec_caption_category.csv first',
    )
    .option('--epochs <n>', 'training epochs with --train', parseInteger, 9)
    .option('--seed <n>', 'training seed with --train', parseInteger, 42)
    .option('--vlm-url <url>', 'OpenAI-compatible server root, e.g. http://localhost:8000/v1')
    .option('--vlm-model <name>', 'model name on that server')
    .option('--vlm-key-env <VAR>', 'environment variable holding the API key')
    .option('--timeout <ms>', 'per-request timeout for the VLM', parseInteger, 60_000)
    .action(async (flags) => {
      let classifier: CategoryClassifier | undefined;
      if (flags.train !== undefined) {
        if (flags.model === undefined)
          throw new InvalidInputError('--train needs --model <out.safetensors> to write to');
        classifier = await trainClassifier(flags.train, flags.epochs, flags.seed, io);
        await classifier.save(flags.model);
        io.logger.info(`wrote ${flags.model}`);
      } else if (flags.model !== undefined) {
        classifier = await CategoryClassifier.load(flags.model);
      }
      const inputs =
        flags.file !== undefined
          ? readInputs(flags.file)
          : [inputFromFlags(flags)].filter((input) => Object.keys(input).length > 0);
      if (inputs.length === 0) {
        if (flags.train !== undefined) return;
        throw new InvalidInputError(
          'nothing to tag: give --caption, --hashtags, --cover-text, --media or --file',
        );
      }
      const tagger = chooseTagger(flags, classifier, io);
      for (const input of inputs) {
        const result = await tagger.tag(input);
        for (const note of result.notes) io.logger.warn(note);
        io.out(JSON.stringify(printable(result), null, flags.file === undefined ? 2 : undefined));
      }
    });
}

function chooseTagger(
  flags: Record<string, string | undefined>,
  classifier: CategoryClassifier | undefined,
  io: CliIo,
): Tagger {
  if (flags.vlmUrl === undefined) return new EmbeddedTagger(classifier === undefined ? {} : { classifier });
  if (flags.vlmModel === undefined) throw new InvalidInputError('--vlm-url needs --vlm-model');
  const apiKey = flags.vlmKeyEnv === undefined ? undefined : process.env[flags.vlmKeyEnv];
  if (flags.vlmKeyEnv !== undefined && apiKey === undefined) {
    throw new InvalidInputError(`--vlm-key-env ${flags.vlmKeyEnv}: that environment variable is not set`);
  }
  return new OpenAiVisionTagger({
    baseUrl: flags.vlmUrl,
    model: flags.vlmModel,
    timeoutMs: Number(flags.timeout),
    logger: io.logger,
    ...(apiKey !== undefined && { apiKey }),
    ...(classifier !== undefined && { vectorize: (content) => classifier.embed([content])[0]! }),
  });
}

function inputFromFlags(flags: Record<string, string | undefined>): TaggerInput {
  return {
    ...(flags.caption !== undefined && { caption: flags.caption }),
    ...(flags.coverText !== undefined && { coverText: flags.coverText }),
    ...(flags.hashtags !== undefined && { hashtags: splitList(flags.hashtags) }),
    ...(flags.media !== undefined && { mediaPath: flags.media }),
  };
}

function splitList(list: string): string[] {
  return list
    .split(/[,，]/u)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

const TEXT_FIELDS = ['caption', 'coverText', 'mediaPath'] as const;

/** Reads a JSON-lines file of videos, naming the line and field of anything malformed. */
function readInputs(path: string): TaggerInput[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const inputs: TaggerInput[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `line ${index + 1} of ${path}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InvalidInputError(`Cannot parse ${where}: not JSON`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new InvalidInputError(`Cannot parse ${where}: expected an object`);
    const record = value as Record<string, unknown>;
    const input: Record<string, unknown> = {};
    for (const field of TEXT_FIELDS) {
      if (record[field] === undefined) continue;
      if (typeof record[field] !== 'string')
        throw new InvalidInputError(`Cannot parse ${where}: ${field} must be a string`);
      input[field] = record[field];
    }
    if (record.hashtags !== undefined) {
      if (!Array.isArray(record.hashtags) || !record.hashtags.every((tag) => typeof tag === 'string'))
        throw new InvalidInputError(`Cannot parse ${where}: hashtags must be an array of strings`);
      input.hashtags = record.hashtags;
    }
    inputs.push(input as TaggerInput);
  });
  return inputs;
}

async function trainClassifier(
  path: string,
  epochs: number,
  seed: number,
  io: CliIo,
): Promise<CategoryClassifier> {
  const examples = [];
  for await (const item of readKuaiRecCaptions(path)) {
    if (item.categories === undefined) continue;
    examples.push({
      content: {
        ...(item.text !== undefined && { caption: item.text }),
        ...(item.coverText !== undefined && { coverText: item.coverText }),
        ...(item.hashtags !== undefined && { hashtags: item.hashtags }),
      },
      path: item.categories,
    });
  }
  io.logger.info(`training the category classifier on ${examples.length} videos (${epochs} epochs)`);
  return CategoryClassifier.fit(examples, { epochs, seed, logger: io.logger });
}

/** The result as JSON-friendly values, the vector rounded to 5 decimals. */
function printable(result: TagResult): Record<string, unknown> {
  const { vector, notes: _notes, ...rest } = result;
  return { ...rest, vector: Array.from(vector, (value) => Math.round(value * 1e5) / 1e5) };
}
