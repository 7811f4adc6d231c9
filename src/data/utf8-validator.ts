import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { DataRowError } from './data-row-error.js';

/**
 * Passes bytes through only once they are known to be valid UTF-8. The
 * decoders downstream would silently turn bad bytes into U+FFFD, so a file in
 * the wrong encoding would load as garbage instead of failing.
 */
export class Utf8Validator extends Transform {
  readonly #file: string;
  /** The start of a multi-byte character cut by the chunk boundary (at most 3 bytes). */
  #carry: Buffer = Buffer.alloc(0);
  /** Bytes already passed on. */
  #offset = 0;
  /** The line the next byte belongs to (1-based). */
  #line = 1;

  constructor(file: string) {
    super();
    this.#file = file;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = this.#carry.length === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    const complete = completeLength(bytes);
    const body = bytes.subarray(0, complete);
    this.#carry = Buffer.from(bytes.subarray(complete));
    const invalid = isUtf8(body) ? -1 : findInvalidUtf8(body);
    if (invalid >= 0) {
      callback(this.#error(body, invalid));
      return;
    }
    this.#line += countNewlines(body, body.length);
    this.#offset += body.length;
    callback(null, body);
  }

  override _flush(callback: TransformCallback): void {
    // A character still cut short at the end of the file is an error.
    callback(this.#carry.length === 0 ? null : this.#error(this.#carry, 0));
  }

  #error(bytes: Buffer, invalid: number): DataRowError {
    return utf8Error(this.#file, this.#line + countNewlines(bytes, invalid), this.#offset + invalid);
  }
}

export function utf8Error(file: string, line: number, byteOffset: number): DataRowError {
  return new DataRowError({
    file,
    line,
    action: 'read',
    problem: `invalid UTF-8 (byte offset ${byteOffset})`,
  });
}

/** Where a UTF-8 problem in a whole buffer is, as a line and a byte offset; undefined when valid. */
export function locateInvalidUtf8(bytes: Buffer): { line: number; byteOffset: number } | undefined {
  if (isUtf8(bytes)) return undefined;
  const byteOffset = findInvalidUtf8(bytes);
  return { line: 1 + countNewlines(bytes, byteOffset), byteOffset };
}

/** The length of the prefix that does not end inside a multi-byte character. */
function completeLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

function countNewlines(bytes: Buffer, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(10); at !== -1 && at < end; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}

/**
 * The offset of the first byte that starts an ill-formed sequence (Unicode
 * Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or -1.
 * An incomplete sequence at the very end counts as ill-formed.
 */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at]!;
    if (lead < 0x80) {
      at++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return at;
    if (at + length > bytes.length) return at;
    const second = bytes[at + 1]!;
    if (second < low || second > high) return at;
    for (let next = 2; next < length; next++) {
      if ((bytes[at + next]! & 0xc0) !== 0x80) return at;
    }
    at += length;
  }
  return -1;
}
