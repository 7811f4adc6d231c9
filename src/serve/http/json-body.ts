import type { MiddlewareHandler } from 'hono';
import { excessNestingOffset, MAX_JSON_DEPTH } from '../../data/index.js';
import { ApiError, formatPath, unsupportedMediaType } from './errors.js';

const jsonMediaType = /^application\/(?:[\w.-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Checks a request body before any schema sees it: JSON content type, valid
 * UTF-8 (a lenient decoder would turn bad bytes into U+FFFD and store them),
 * parseable JSON, and no string holding a NUL or a lone surrogate (neither
 * survives a round trip through PostgreSQL's UTF-8 text), nested at most
 * `MAX_JSON_DEPTH` levels (checked in one pass before parsing: a body of
 * `[[[[...` is refused in linear time). The decoded text is left in hono's
 * body cache, so the route's validator parses that.
 */
export function jsonBody(): MiddlewareHandler {
  return async (c, next) => {
    const contentType = c.req.header('content-type');
    if (contentType === undefined || !jsonMediaType.test(contentType))
      throw unsupportedMediaType(contentType);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength === 0)
      throw new ApiError(400, 'invalid_input', 'body: expected a JSON body, got none');
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new ApiError(
        400,
        'invalid_utf8',
        `Request body is not valid UTF-8 (at byte ${invalidUtf8Offset(bytes)})`,
      );
    }
    const tooDeep = excessNestingOffset(text);
    if (tooDeep !== -1) {
      throw new ApiError(
        400,
        'nesting_too_deep',
        `Request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels (at character ${tooDeep})`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const reason = (error as Error).message.slice(0, 200);
      throw new ApiError(400, 'malformed_json', `Request body is not valid JSON: ${reason}`);
    }
    const bad = findBadString(value);
    if (bad !== undefined) {
      const field = formatPath(bad.path);
      throw new ApiError(
        400,
        'invalid_input',
        `${field === '' ? 'body' : `field "${field}"`}: ${bad.reason}`,
        field || undefined,
      );
    }
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    await next();
  };
}

/** A value still to visit; its path is rebuilt from `parent` links only when it is bad. */
interface Visit {
  value: unknown;
  key: PropertyKey | undefined;
  parent: Visit | undefined;
}

/**
 * The first string (value or key) that cannot be stored as text. Iterative and
 * linear: each value is visited once and holds a link to its parent instead of
 * a copy of its path.
 */
function findBadString(root: unknown): { path: PropertyKey[]; reason: string } | undefined {
  const stack: Visit[] = [{ value: root, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value } = visit;
    if (typeof value === 'string') {
      const reason = badStringReason(value);
      if (reason !== undefined) return { path: pathOf(visit), reason };
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--)
        stack.push({ value: value[index], key: index, parent: visit });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const reason = badStringReason(key);
        if (reason !== undefined) return { path: [...pathOf(visit), key], reason: `field name ${reason}` };
        stack.push({ value: child, key, parent: visit });
      }
    }
  }
  return undefined;
}

function pathOf(visit: Visit): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badStringReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (loneSurrogate.test(text)) return 'contains a lone UTF-16 surrogate';
  return undefined;
}

/** Where a UTF-8 decode fails: the offset of the first byte that starts no valid sequence. */
function invalidUtf8Offset(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte < 0xe0
          ? 2
          : byte >= 0xe0 && byte < 0xf0
            ? 3
            : byte >= 0xf0 && byte < 0xf5
              ? 4
              : 0;
    if (length === 0 || index + length > bytes.length) return index;
    try {
      utf8.decode(bytes.subarray(index, index + length));
    } catch {
      return index;
    }
    index += length;
  }
  return index;
}
