import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { GenfeedError, type Logger } from '../../core/index.js';

/**
 * Every error the API answers is `{ error: { code, message, field? } }`: one
 * shape for clients, built in this one file. Project errors from lower layers
 * map to statuses here; anything else is a 500 that is logged and never shown.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly field: string | undefined;
  constructor(status: ContentfulStatusCode, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export function errorResponse(c: Context, error: ApiError): Response {
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.field !== undefined && { field: error.field }),
    },
  };
  return c.json(body, error.status);
}

const statusOfCode: Record<string, ContentfulStatusCode> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  store_unavailable: 503,
};

/**
 * Whether `error` is the client hanging up before its request was read
 * (node's `aborted` reset while a body streams in): nothing to answer and
 * nothing wrong on the server.
 */
export function isClientAbort(error: unknown, request: Request): boolean {
  if (request.signal.aborted) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof Error &&
    (error.name === 'AbortError' || (code === 'ECONNRESET' && error.message === 'aborted'))
  );
}

/** The status recorded for a request its client abandoned (nginx's "client closed request"); never sent. */
export const CLIENT_CLOSED_REQUEST = 499;

/** The response for anything thrown by a handler or middleware. */
export function toApiError(error: unknown, logger: Logger, where: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) return fromHttpException(error);
  if (error instanceof GenfeedError && statusOfCode[error.code] !== undefined) {
    if (error.code === 'store_unavailable') logger.error(`${where}: ${error.message}`);
    return new ApiError(statusOfCode[error.code]!, error.code, error.message);
  }
  if (isUnparsableForm(error))
    return new ApiError(400, 'malformed_form', 'Request body is not a valid form (multipart or url-encoded)');
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  logger.error(`${where}: unexpected error: ${detail}`);
  return new ApiError(500, 'internal', 'Internal server error (logged on the server)');
}

/**
 * A form body the runtime cannot parse: `Request.formData()` (behind hono's
 * `c.req.parseBody()`, as the dashboard's login reads it) rejects a broken
 * multipart body with this bare TypeError. The client sent it: a 400, not a 500.
 */
function isUnparsableForm(error: unknown): boolean {
  return error instanceof TypeError && error.message.startsWith('Failed to parse body as FormData');
}

function fromHttpException(error: HTTPException): ApiError {
  const status = error.status as ContentfulStatusCode;
  if (status === 413) return payloadTooLarge();
  if (status === 415) return unsupportedMediaType();
  if (/malformed json/i.test(error.message))
    return new ApiError(400, 'malformed_json', 'Request body is not valid JSON');
  if (/malformed formdata/i.test(error.message))
    return new ApiError(400, 'malformed_form', 'Request body is not a valid form (multipart or url-encoded)');
  return new ApiError(status, status >= 500 ? 'internal' : 'bad_request', error.message || 'Bad request');
}

export function payloadTooLarge(maxBytes?: number): ApiError {
  const limit = maxBytes === undefined ? '' : ` (limit ${maxBytes} bytes)`;
  return new ApiError(413, 'payload_too_large', `Request body is too large${limit}`);
}

export function unsupportedMediaType(got?: string): ApiError {
  const received = got ? `, got "${got.slice(0, 100)}"` : ', got none';
  return new ApiError(415, 'unsupported_media_type', `Content-Type must be application/json${received}`);
}

/** A path like `[3].signals.click`, or '' for the value itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

type Issue = z.core.$ZodIssue;

/**
 * The issue to report: the first one, descending into a union to the branch
 * that got furthest (a batch element's error rather than "expected object,
 * received array"), so the message names the deepest field that is wrong. A
 * union no branch of which got past the type check keeps its own message.
 */
export function primaryIssue(issues: readonly Issue[]): Issue | undefined {
  const first = issues[0];
  if (first?.code !== 'invalid_union' || first.errors.length === 0) return first;
  let best: Issue | undefined;
  let bestScore = -1;
  for (const branch of first.errors) {
    const candidate = primaryIssue(branch);
    if (candidate === undefined) continue;
    const wrongType = candidate.code === 'invalid_type' && candidate.path.length === 0;
    const score = wrongType ? -1 : candidate.path.length;
    if (score > bestScore) {
      best = { ...candidate, path: [...first.path, ...candidate.path] };
      bestScore = score;
    }
  }
  // Every branch failed at the union itself: a union with a message of its own (`0 or 1`) says it best.
  const ownMessage = first.message !== 'Invalid input';
  if (best === undefined || (ownMessage && best.path.length === first.path.length)) return first;
  return best;
}

/** What was wrong, without zod's generic "Invalid input: " lead. */
export function issueMessage(issue: Issue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  const message = issue.message.replace(/^Invalid (input|option): /, '');
  if (issue.code === 'invalid_type' && message.endsWith('received undefined')) return 'required, missing';
  return message;
}

const targetNames: Record<string, string> = {
  json: 'body',
  query: 'query parameter',
  param: 'path parameter',
  header: 'header',
};

/** A 400 naming the field and what was wrong with it. */
export function validationError(error: z.ZodError, target: string): ApiError {
  const issue = primaryIssue(error.issues);
  if (issue === undefined)
    return new ApiError(400, 'invalid_input', `Invalid ${targetNames[target] ?? target}`);
  const field = formatPath(issue.path);
  const message = issueMessage(issue);
  const noun = target === 'json' ? 'field' : (targetNames[target] ?? target);
  const where = field === '' ? (targetNames[target] ?? target) : `${noun} "${field}"`;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return new ApiError(400, 'invalid_input', `${where}: ${message}${more}`, field === '' ? undefined : field);
}
