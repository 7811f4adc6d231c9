import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { findInvalidUtf8, locateInvalidUtf8, Utf8Validator } from './utf8-validator.js';

async function pass(chunks: number[][]): Promise<Buffer> {
  const output: Buffer[] = [];
  const stream = Readable.from(chunks.map((chunk) => Buffer.from(chunk))).pipe(new Utf8Validator('x.csv'));
  for await (const chunk of stream) output.push(chunk as Buffer);
  return Buffer.concat(output);
}

describe('findInvalidUtf8', () => {
  it('accepts well-formed text', () => {
    expect(findInvalidUtf8(Buffer.from('ascii, 中文, émoji 😀'))).toBe(-1);
  });

  it('finds the first ill-formed sequence', () => {
    const cases: [number[], number][] = [
      [[0x61, 0xff], 1], // never valid
      [[0x61, 0x80], 1], // lone continuation byte
      [[0xc0, 0xaf], 0], // overlong '/'
      [[0xe0, 0x80, 0xaf], 0], // overlong 3-byte form
      [[0xed, 0xa0, 0x80], 0], // UTF-16 surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
      [[0x61, 0xe4, 0xb8], 1], // cut short at the end
      [[0xe4, 0x41, 0x41], 0], // lead byte without continuation
    ];
    for (const [bytes, offset] of cases) expect(findInvalidUtf8(Buffer.from(bytes))).toBe(offset);
  });

  it('locates the line of a bad byte', () => {
    expect(locateInvalidUtf8(Buffer.from([0x61, 0x0a, 0x62, 0x0a, 0xff]))).toEqual({
      line: 3,
      byteOffset: 4,
    });
    expect(locateInvalidUtf8(Buffer.from('fine\n'))).toBeUndefined();
  });
});

describe('Utf8Validator', () => {
  it('passes text through unchanged when characters are cut across chunks', async () => {
    const bytes = [...Buffer.from('a中\n😀b')];
    for (let cut = 0; cut <= bytes.length; cut++) {
      const output = await pass([bytes.slice(0, cut), bytes.slice(cut)]);
      expect(output.toString('utf8')).toBe('a中\n😀b');
    }
    const oneByteChunks = await pass(bytes.map((byte) => [byte]));
    expect(oneByteChunks.toString('utf8')).toBe('a中\n😀b');
  });

  it('fails with the line and byte offset of the first bad byte', async () => {
    await expect(pass([[0x61, 0x0a], [0x62, 0x0a, 0x63], [0xff]])).rejects.toThrow(
      'Cannot read line 3 of x.csv: invalid UTF-8 (byte offset 5)',
    );
  });

  it('fails on a character cut short at the end of the input', async () => {
    await expect(pass([[0x0a, 0xe4, 0xb8]])).rejects.toThrow(
      'Cannot read line 2 of x.csv: invalid UTF-8 (byte offset 1)',
    );
  });
});
