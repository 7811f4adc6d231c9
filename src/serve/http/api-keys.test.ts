import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/index.js';
import { ApiKeys, allows, creatorOwns } from './api-keys.js';

describe('ApiKeys', () => {
  it('parses the JSON file forms and the short environment form', () => {
    const list = ApiKeys.parse('[{"key":"0123456789abcdef-a","scopes":["read"],"name":"app"}]', 'keys.json');
    expect(list.authenticate('0123456789abcdef-a')).toMatchObject({ name: 'app' });
    const wrapped = ApiKeys.parse('{"keys":[{"key":"0123456789abcdef-b","scopes":["write"]}]}', 'keys.json');
    expect(wrapped.authenticate('0123456789abcdef-b')?.name).toBe('key 1');
    const short = ApiKeys.parse(
      ' 0123456789abcdef-c=read,write ; 0123456789abc=def-d=admin ',
      'GENFEED_API_KEYS',
    );
    expect(short.size).toBe(2);
    expect([...(short.authenticate('0123456789abcdef-c')?.scopes ?? [])]).toEqual(['read', 'write']);
    // The last "=" separates the scopes, so a key may hold "=".
    expect([...(short.authenticate('0123456789abc=def-d')?.scopes ?? [])]).toEqual(['admin']);
  });

  it('refuses bad key files, naming the source and the entry', () => {
    expect(() => ApiKeys.parse('[{"key":"short","scopes":["read"]}]', 'keys.json')).toThrow(
      /keys\.json: "\[0\]\.key": a key needs at least 16 characters/,
    );
    expect(() => ApiKeys.parse('[{"key":"0123456789abcdef","scopes":["root"]}]', 'keys.json')).toThrow(
      /keys\.json: "\[0\]\.scopes\[0\]": expected one of/,
    );
    expect(() => ApiKeys.parse('[', 'keys.json')).toThrow(/Cannot parse API keys in keys\.json/);
    expect(() => ApiKeys.parse('[]', 'GENFEED_API_KEYS')).toThrow(InvalidInputError);
    expect(() => ApiKeys.parse('no-scopes-given-here', 'GENFEED_API_KEYS')).toThrow(
      /expected key=scope,scope/,
    );
  });

  it('recognises only configured keys; admin implies every scope', () => {
    const keys = ApiKeys.from([
      { key: 'reader-0123456789', scopes: ['read'] },
      { key: 'operator-0123456789', scopes: ['admin'] },
    ]);
    expect(keys.authenticate('reader-012345678')).toBeUndefined();
    expect(keys.authenticate('reader-01234567890')).toBeUndefined();
    expect(keys.authenticate('')).toBeUndefined();
    const reader = keys.authenticate('reader-0123456789')!;
    expect(allows(reader, 'read')).toBe(true);
    expect(allows(reader, 'write')).toBe(false);
    const operator = keys.authenticate('operator-0123456789')!;
    expect(['read', 'write', 'admin'].every((scope) => allows(operator, scope as 'read'))).toBe(true);
  });

  it("binds a creator's key to its creator's routes and refuses one with more than read", () => {
    const keys = ApiKeys.parse(
      '[{"key":"creator-7-0123456789","scopes":["read"],"creator":"author 7","name":"studio"}]',
      'keys.json',
    );
    expect(keys.authenticate('creator-7-0123456789')).toMatchObject({ name: 'studio', creator: 'author 7' });
    expect(creatorOwns('author 7', '/v1/creators/author%207/trends')).toBe(true);
    expect(creatorOwns('author 7', '/v1/creators/author 7')).toBe(true);
    expect(creatorOwns('author 7', '/v1/creators/author%208/trends')).toBe(false);
    expect(creatorOwns('author 7', '/v1/creators/%E0%A4%A/trends')).toBe(false);
    expect(creatorOwns('author 7', '/v1/users/author%207/feed')).toBe(false);
    expect(() =>
      ApiKeys.parse('[{"key":"creator-7-0123456789","scopes":["read","write"],"creator":"a"}]', 'keys.json'),
    ).toThrow(/keys\.json: "\[0\]\.scopes": a creator key \(one with "creator"\) holds the read scope only/);
  });
});
