import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InvalidInputError } from '../../core/index.js';
import { formatPath, issueMessage, primaryIssue } from './errors.js';

export const scopes = ['read', 'write', 'admin'] as const;
export type Scope = (typeof scopes)[number];

/** Keys shorter than this are refused: an API key must not be guessable. */
export const MIN_KEY_LENGTH = 16;

const keyEntry = z
  .strictObject({
    key: z.string().min(MIN_KEY_LENGTH, { error: `a key needs at least ${MIN_KEY_LENGTH} characters` }),
    scopes: z.array(z.enum(scopes)).min(1),
    name: z.string().min(1).optional(),
    /** A creator's key: reads `/v1/creators/{creator}/...` and the dashboard's creator view of that creator only. */
    creator: z.string().min(1).optional(),
  })
  .refine((entry) => entry.creator === undefined || entry.scopes.every((scope) => scope === 'read'), {
    error: 'a creator key (one with "creator") holds the read scope only',
    path: ['scopes'],
  });
const keyFile = z.union([z.array(keyEntry), z.strictObject({ keys: z.array(keyEntry) })]);

export type ApiKeyEntry = z.infer<typeof keyEntry>;

export interface Principal {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Set for a creator's key: the author whose data alone it may read. */
  creator?: string;
}

interface StoredKey extends Principal {
  hash: Buffer;
}

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * The configured API keys, kept only as SHA-256 digests. A presented key is
 * hashed and compared with every stored digest in constant time (all of them,
 * so the time does not tell which one matched). `admin` implies every scope.
 */
export class ApiKeys {
  readonly #keys: StoredKey[];

  private constructor(keys: StoredKey[]) {
    this.#keys = keys;
  }

  static from(entries: readonly ApiKeyEntry[]): ApiKeys {
    const parsed = z.array(keyEntry).safeParse(entries);
    if (!parsed.success) throw new InvalidInputError(`Invalid API keys: ${describe(parsed.error)}`);
    return new ApiKeys(
      parsed.data.map((entry, index) => ({
        name: entry.name ?? `key ${index + 1}`,
        scopes: new Set(entry.scopes),
        ...(entry.creator !== undefined && { creator: entry.creator }),
        hash: digest(entry.key),
      })),
    );
  }

  /**
   * Parses a key file or `GENFEED_API_KEYS`: JSON (`[{ "key", "scopes", "name"?, "creator"? }]`
   * or `{ "keys": [...] }`), or for the environment also the short form
   * `key=read,write;other-key=admin`. `source` names it in error messages.
   */
  static parse(text: string, source: string): ApiKeys {
    const trimmed = text.trim();
    let entries: unknown;
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      try {
        entries = JSON.parse(trimmed);
      } catch (error) {
        throw new InvalidInputError(`Cannot parse API keys in ${source}: ${(error as Error).message}`);
      }
    } else {
      entries = trimmed
        .split(';')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map((part) => {
          const at = part.lastIndexOf('=');
          if (at < 0)
            throw new InvalidInputError(`Cannot parse API keys in ${source}: expected key=scope,scope`);
          return { key: part.slice(0, at), scopes: part.slice(at + 1).split(',') };
        });
    }
    const parsed = keyFile.safeParse(entries);
    if (!parsed.success)
      throw new InvalidInputError(`Invalid API keys in ${source}: ${describe(parsed.error)}`);
    const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.keys;
    if (list.length === 0) throw new InvalidInputError(`No API keys in ${source}`);
    return ApiKeys.from(list);
  }

  get size(): number {
    return this.#keys.length;
  }

  /** The key's holder, or undefined for a key that is not configured. */
  authenticate(presented: string): Principal | undefined {
    const hash = digest(presented);
    let found: StoredKey | undefined;
    for (const key of this.#keys) {
      if (timingSafeEqual(key.hash, hash) && found === undefined) found = key;
    }
    if (found === undefined) return undefined;
    return {
      name: found.name,
      scopes: found.scopes,
      ...(found.creator !== undefined && { creator: found.creator }),
    };
  }
}

export function allows(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has('admin') || principal.scopes.has(scope);
}

/** Whether a creator's key may read `path`: only under `/v1/creators/{its creator}`. */
export function creatorOwns(creator: string, path: string): boolean {
  const prefix = '/v1/creators/';
  if (!path.startsWith(prefix)) return false;
  const segment = path.slice(prefix.length).split('/')[0]!;
  if (segment === creator) return true;
  try {
    return decodeURIComponent(segment) === creator;
  } catch {
    return false;
  }
}

function describe(error: z.ZodError): string {
  const issue = primaryIssue(error.issues);
  if (issue === undefined) return 'invalid';
  const path = formatPath(issue.path);
  return path === '' ? issueMessage(issue) : `"${path}": ${issueMessage(issue)}`;
}
