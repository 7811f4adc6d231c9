import { z } from 'zod';
import { GenfeedError, type Logger, silentLogger } from '../../core/index.js';
import { extractFrames, type FrameOptions } from '../media/index.js';
import { hashedTextVector } from '../tagger/hashed-vector.js';
import type { Tagger, TaggerInput, TagResult } from '../tagger/tagger.js';
import { type ContentText, joinedText, readEmotion } from '../text/index.js';
import { VLM_SYSTEM_PROMPT, type VlmAnswer, vlmAnswerSchema } from './vlm-answer.js';

/** The vision-language endpoint failed or answered something unusable (after retries). */
export class VlmError extends GenfeedError {
  constructor(message: string, options?: ErrorOptions) {
    super('vlm_failed', message, options);
  }
}

export interface OpenAiVisionTaggerOptions {
  /** Server root, e.g. `http://localhost:8000/v1` (the path `/chat/completions` is appended). */
  baseUrl: string;
  model: string;
  /** Sent as a Bearer token when given. */
  apiKey?: string;
  /** Per attempt; default 60,000 ms. */
  timeoutMs?: number;
  /** Attempts after the first; default 2. */
  retries?: number;
  /** First backoff; doubled each retry, with +-25% jitter; default 500 ms. */
  backoffMs?: number;
  /** Default 0 (deterministic answers). */
  temperature?: number;
  /** Default 512. */
  maxTokens?: number;
  /** Frame reading when a media file is given. */
  frames?: FrameOptions;
  /** Content vector of a video; default the hashed text vector of caption, cover text, hashtags and the answer's tags. */
  vectorize?: (content: ContentText) => Float32Array;
  /** For tests; default global fetch. */
  fetch?: typeof fetch;
  logger?: Logger;
}

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

/** Not worth retrying: the request itself is wrong (bad model name, auth). */
class PermanentFailure extends Error {}

/**
 * Tags videos with any OpenAI-compatible vision-language server (vLLM, SGLang,
 * llama.cpp, Ollama serving Keye-VL, Qwen-VL, ...): POST /chat/completions with
 * the frames as `image_url` parts (data URLs), the answer schema as
 * `response_format`, then the answer parsed and checked with zod. Timeouts,
 * network errors, HTTP 408/429/5xx and unusable answers are retried with
 * exponential backoff; other HTTP errors fail at once.
 */
export class OpenAiVisionTagger implements Tagger {
  readonly name = 'openai-vision';
  readonly #options: OpenAiVisionTaggerOptions;
  readonly #endpoint: string;

  constructor(options: OpenAiVisionTaggerOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`OpenAiVisionTagger: baseUrl ${JSON.stringify(options.baseUrl)} is not a URL`);
    }
    this.#options = options;
    this.#endpoint = `${url.href.replace(/\/+$/, '')}/chat/completions`;
  }

  async tag(input: TaggerInput): Promise<TagResult> {
    const notes: string[] = [];
    const frames = [...(input.frames ?? [])];
    if (input.mediaPath !== undefined) {
      const read = await extractFrames(input.mediaPath, this.#options.frames);
      if (read.skipped !== undefined) notes.push(read.skipped);
      frames.push(...read.frames);
    }
    const content: ContentText = {
      ...(input.caption !== undefined && { caption: input.caption }),
      ...(input.coverText !== undefined && { coverText: input.coverText }),
      ...(input.hashtags !== undefined && { hashtags: input.hashtags }),
    };
    const answer = await this.ask(content, frames);
    const text = joinedText(content);
    const vectorize =
      this.#options.vectorize ??
      ((c: ContentText) =>
        hashedTextVector({ ...c, hashtags: [...(c.hashtags ?? []), ...answer.elements, ...answer.actions] }));
    return {
      categories: answer.categories,
      tags: { elements: answer.elements, actions: answer.actions, emotions: answer.emotions },
      language: answer.language,
      topics: answer.topics,
      ...(answer.aiGenerated !== null && { aiGenerated: answer.aiGenerated }),
      vector: vectorize(content),
      keywords: [],
      sentiment: readEmotion(`${text} ${answer.emotions.join(' ')}`).sentiment,
      notes,
    };
  }

  /** One validated answer for the text and frames, retrying as documented on the class. */
  async ask(content: ContentText, frames: readonly Uint8Array[]): Promise<VlmAnswer> {
    const retries = this.#options.retries ?? 2;
    const logger = this.#options.logger ?? silentLogger;
    let lastProblem = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const base = (this.#options.backoffMs ?? 500) * 2 ** (attempt - 1);
        const delay = base * (0.75 + Math.random() * 0.5);
        logger.warn(`vision tagger: ${lastProblem}; retry ${attempt}/${retries} in ${Math.round(delay)} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      try {
        return await this.#attempt(content, frames);
      } catch (error) {
        if (error instanceof PermanentFailure) throw new VlmError(`${this.#endpoint}: ${error.message}`);
        lastProblem = (error as Error).message;
      }
    }
    throw new VlmError(
      `${this.#endpoint}: no usable answer after ${retries + 1} attempts; last: ${lastProblem}`,
    );
  }

  async #attempt(content: ContentText, frames: readonly Uint8Array[]): Promise<VlmAnswer> {
    const timeoutMs = this.#options.timeoutMs ?? 60_000;
    const fetcher = this.#options.fetch ?? fetch;
    let response: Response;
    let body: string;
    try {
      response = await fetcher(this.#endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.#options.apiKey !== undefined && { authorization: `Bearer ${this.#options.apiKey}` }),
        },
        body: JSON.stringify(this.#request(content, frames)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new Error(`no answer within ${timeoutMs} ms`);
      throw new Error(`request failed: ${(error as Error).message}`);
    }
    if (!response.ok) {
      const problem = `HTTP ${response.status}: ${body.slice(0, 200)}`;
      if (response.status === 408 || response.status === 429 || response.status >= 500)
        throw new Error(problem);
      throw new PermanentFailure(problem);
    }
    let completion: z.infer<typeof completionSchema>;
    try {
      completion = completionSchema.parse(JSON.parse(body));
    } catch {
      throw new Error(`not a chat completion: ${body.slice(0, 200)}`);
    }
    return parseVlmAnswer(completion.choices[0]!.message.content ?? '');
  }

  #request(content: ContentText, frames: readonly Uint8Array[]): unknown {
    const lines = [
      content.caption && `Caption: ${content.caption}`,
      content.coverText && `Cover text: ${content.coverText}`,
      content.hashtags?.length && `Hashtags: ${content.hashtags.join(', ')}`,
      frames.length === 0 ? 'No frames are available; tag from the text.' : `${frames.length} frames follow.`,
    ].filter(Boolean);
    return {
      model: this.#options.model,
      temperature: this.#options.temperature ?? 0,
      max_tokens: this.#options.maxTokens ?? 512,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'video_tags', strict: true, schema: z.toJSONSchema(vlmAnswerSchema) },
      },
      messages: [
        { role: 'system', content: VLM_SYSTEM_PROMPT },
        {
          role: 'user',
          content: [
            { type: 'text', text: lines.join('\n') },
            ...frames.map((frame) => ({ type: 'image_url', image_url: { url: dataUrl(frame) } })),
          ],
        },
      ],
    };
  }
}

/**
 * The model's message as a checked answer. Tolerates a Markdown code fence
 * around the JSON (common even when told not to); anything else that is not the
 * schema's object is an error naming the problem.
 */
export function parseVlmAnswer(message: string): VlmAnswer {
  const unfenced = message.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/u, '$1');
  let value: unknown;
  try {
    value = JSON.parse(unfenced);
  } catch {
    throw new Error(`answer is not JSON: ${message.slice(0, 120)}`);
  }
  const checked = vlmAnswerSchema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new Error(
      `answer does not match the schema: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return checked.data;
}

function dataUrl(frame: Uint8Array): string {
  const png = frame[0] === 0x89 && frame[1] === 0x50;
  return `data:image/${png ? 'png' : 'jpeg'};base64,${Buffer.from(frame).toString('base64')}`;
}
