import { z } from 'zod';
import { GenfeedError } from '../core/index.js';
import type { EngagementPredictor } from './engagement-predictor.js';
import type { TitleDraft } from './title-features.js';
import type { TitleProvider, TitleSuggestion } from './title-provider.js';

/** The endpoint could not give a usable answer (after every retry). */
export class TitleProviderError extends GenfeedError {
  constructor(message: string, options?: ErrorOptions) {
    super('provider_failed', message, options);
  }
}

export interface OpenAiTitleOptions {
  /** Base URL up to and including `/v1`, e.g. `http://localhost:8000/v1`. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per attempt (default 20 s). */
  timeoutMs?: number;
  /** Extra attempts after a timeout, a network error, a 429/5xx or a malformed answer (default 2). */
  retries?: number;
  /** Wait before retry k (default 250 ms * 2^k). */
  backoffMs?: number;
  temperature?: number;
  /** Re-ranks the model's titles by P(high engagement) when given. */
  predictor?: EngagementPredictor;
  /** For tests and proxies (default the global fetch). */
  fetch?: typeof fetch;
}

/** The wire format of `/v1/chat/completions`, as much of it as we read. */
const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});

/** What the model must answer: `{"titles": ["...", ...]}`. */
export const titleAnswerSchema = z.object({
  titles: z.array(z.string().trim().min(1).max(200)).min(1),
});

/**
 * Titles from any OpenAI-compatible chat endpoint (vLLM, llama.cpp server,
 * Ollama, a hosted API): one chat completion asking for JSON, validated with
 * zod; every failure that a retry may cure is retried with exponential backoff.
 */
export class OpenAiTitleProvider implements TitleProvider {
  readonly name = 'llm';
  readonly #options: OpenAiTitleOptions;

  constructor(options: OpenAiTitleOptions) {
    if (!/^https?:\/\//.test(options.baseUrl))
      throw new RangeError(
        `OpenAiTitleProvider: baseUrl "${options.baseUrl}" must start with http:// or https://`,
      );
    this.#options = options;
  }

  async suggest(draft: TitleDraft, count: number): Promise<TitleSuggestion[]> {
    const retries = this.#options.retries ?? 2;
    const failures: string[] = [];
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep((this.#options.backoffMs ?? 250) * 2 ** (attempt - 1));
      const outcome = await this.#attempt(draft, count);
      if (outcome.ok) return this.#rank(outcome.titles.slice(0, count));
      failures.push(`attempt ${attempt + 1}: ${outcome.error}`);
      if (!outcome.retry) break;
    }
    throw new TitleProviderError(
      `Title model at ${this.#options.baseUrl} gave no usable answer (${failures.join('; ')})`,
    );
  }

  async #attempt(
    draft: TitleDraft,
    count: number,
  ): Promise<{ ok: true; titles: string[] } | { ok: false; retry: boolean; error: string }> {
    const fetchFn = this.#options.fetch ?? fetch;
    let response: Response;
    let body: string;
    try {
      response = await fetchFn(`${this.#options.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.#options.apiKey && { authorization: `Bearer ${this.#options.apiKey}` }),
        },
        body: JSON.stringify(this.#request(draft, count)),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 20_000),
      });
      body = await response.text();
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { ok: false, retry: true, error: timedOut ? 'timed out' : `request failed: ${String(error)}` };
    }
    if (!response.ok) {
      const retry = response.status === 429 || response.status >= 500;
      return { ok: false, retry, error: `HTTP ${response.status}: ${body.slice(0, 200)}` };
    }
    const completion = completionSchema.safeParse(parseJson(body));
    if (!completion.success)
      return { ok: false, retry: true, error: `not a chat completion: ${body.slice(0, 200)}` };
    const content = completion.data.choices[0]!.message.content;
    const answer = titleAnswerSchema.safeParse(parseJson(stripFence(content)));
    if (!answer.success) {
      return { ok: false, retry: true, error: `answer is not {"titles": [...]}: ${content.slice(0, 200)}` };
    }
    return { ok: true, titles: answer.data.titles };
  }

  #request(draft: TitleDraft, count: number) {
    const facts = [
      `Draft caption: ${draft.caption}`,
      draft.hashtags?.length ? `Hashtags: ${draft.hashtags.join(', ')}` : '',
      draft.categories?.length ? `Category: ${draft.categories.join(' > ')}` : '',
    ].filter(Boolean);
    return {
      model: this.#options.model,
      temperature: this.#options.temperature ?? 0.8,
      response_format: { type: 'json_object' },
      messages: [
        {
          role: 'system',
          content:
            'You write titles for short videos. Keep the language of the draft, stay faithful to its content, ' +
            'no clickbait lies. Answer with JSON only: {"titles": ["..."]}.',
        },
        { role: 'user', content: `${facts.join('\n')}\nWrite ${count} different titles.` },
      ],
    };
  }

  #rank(titles: string[]): TitleSuggestion[] {
    const predictor = this.#options.predictor;
    const suggestions = titles.map(
      (title): TitleSuggestion => ({
        title,
        source: 'llm',
        ...(predictor && { predicted: predictor.predict({ caption: title }) }),
      }),
    );
    return predictor ? suggestions.sort((a, b) => b.predicted! - a.predicted!) : suggestions;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Models often wrap JSON in a ```json fence despite being asked not to. */
function stripFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return fenced ? fenced[1]! : text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
