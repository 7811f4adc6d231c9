import fc from 'fast-check';

/**
 * Values that break servers: the pieces every generator of the fuzz suite
 * mixes into what it sends.
 */

/** Strings a validator must refuse or store verbatim, never choke on. */
export const edgeStrings: readonly string[] = [
  '',
  ' ',
  '\t\n ',
  '\u0000',
  'a\u0000b',
  '\u001f\u007f\u0085\u009f',
  '\r\n\r\n',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u2066reversed',
  '\ufeff',
  '🎬🎥📼',
  '今天的晚霞',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0x10',
  '1e308',
  '__proto__',
  'constructor',
  'prototype',
  "' OR '1'='1",
  'v1; DROP TABLE items; --',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '%ff%fe',
  '?',
  '#',
  '/',
  '//',
  '..',
  '.',
  '\\',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the Log4Shell probe, on purpose
  '${jndi:ldap://x}',
  '{{7*7}}',
];

/** Numbers at and past every bound a field could have, and the ones JSON can only just say. */
export const edgeNumbers: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e15,
  1e21,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  8.64e15,
  8.64e15 + 1,
];

/** Number literals JSON.stringify never writes: overflow to Infinity, underflow, digits past a double. */
export const edgeNumberLiterals: readonly string[] = [
  '1e999',
  '-1e999',
  '1e-999',
  '-0',
  '123456789012345678901234567890',
  '0.000000000000000000000000000001',
  '1E308',
  '1.7976931348623157e309',
];

/** Any JSON value of a type a field does not expect. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, '', 'text', [], {}, [null], { nested: {} }),
  fc.constantFrom(...edgeStrings),
  fc.constantFrom(...edgeNumbers),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A string of `length` characters, one of them possibly a control character. */
export function longString(length: number): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom('a', '界', ' ', '\u0001', '🎬'), fc.nat()).map(([character, at]) => {
    const filler = 'x'.repeat(length);
    const index = at % Math.max(1, length);
    return character.length > 1 ? filler : filler.slice(0, index) + character + filler.slice(index + 1);
  });
}

/** Any string fast-check can make, in all of Unicode, lone surrogates included. */
export const anyString = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ maxLength, unit: 'binary' }),
    fc.string({ maxLength, unit: fc.constantFrom('\u0000', '\u0085', '\ud800', '%', '/', '"', '\\') }),
  );
