import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { InvalidInputError } from '../../core/index.js';
import { IntTensor } from '../int-tensor.js';
import { formatShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Checkpoints in the safetensors format (https://github.com/huggingface/safetensors):
 * an 8-byte little-endian header length, a JSON header mapping names to
 * {dtype, shape, data_offsets} plus "__metadata__" (string values only), then the
 * raw little-endian tensor bytes. genfeed adds its config, version and the sha256
 * of the tensor bytes to the metadata; Python reads the file with safetensors.
 */
export type StoredTensor = Tensor | IntTensor;

export interface CheckpointMetadata {
  /** Model configuration, stored as JSON. */
  config?: unknown;
  /** genfeed version; defaults to the package version. */
  version?: string;
}

export interface Checkpoint {
  tensors: Map<string, StoredTensor>;
  config: unknown;
  version: string | null;
  /** The raw "__metadata__" strings. */
  metadata: Record<string, string>;
}

const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const KEY_CONFIG = 'genfeed.config';
const KEY_VERSION = 'genfeed.version';
const KEY_SHA256 = 'genfeed.sha256';

let packageVersion: string | undefined;
function genfeedVersion(): string {
  if (packageVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version?: string;
      };
      packageVersion = pkg.version ?? 'unknown';
    } catch {
      packageVersion = 'unknown';
    }
  }
  return packageVersion;
}

function checkEndianness(): void {
  if (endianness() !== 'LE') throw new Error('safetensors: big-endian hosts are not supported');
}

/** Serialises tensors (in the given order) and metadata into safetensors bytes. */
export function encodeSafetensors(
  tensors: Iterable<readonly [string, StoredTensor]>,
  metadata: CheckpointMetadata = {},
): Uint8Array {
  checkEndianness();
  const entries = [...tensors];
  const header: Record<string, unknown> = {};
  let offset = 0;
  const seen = new Set<string>();
  for (const [name, t] of entries) {
    if (name === '__metadata__' || seen.has(name))
      throw new RangeError(`safetensors: duplicate or reserved name "${name}"`);
    seen.add(name);
    const bytes = t.data.byteLength;
    header[name] = {
      dtype: t instanceof IntTensor ? 'I32' : 'F32',
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const [, t] of entries) {
    data.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  const meta: Record<string, string> = {
    format: 'pt',
    [KEY_VERSION]: metadata.version ?? genfeedVersion(),
    [KEY_SHA256]: createHash('sha256').update(data).digest('hex'),
  };
  if (metadata.config !== undefined) meta[KEY_CONFIG] = JSON.stringify(metadata.config);
  const json = JSON.stringify({ __metadata__: meta, ...header });
  // Pad the header with spaces so the tensor bytes start 8-byte aligned (as the reference writer does).
  const raw = new TextEncoder().encode(json);
  const padded = Math.ceil(raw.length / 8) * 8;
  const out = new Uint8Array(8 + padded + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(raw, 8);
  out.fill(0x20, 8 + raw.length, 8 + padded);
  out.set(data, 8 + padded);
  return out;
}

/**
 * Parses safetensors bytes, validating the header, every dtype, shape and offset
 * range, and the genfeed checksum. `source` names the file in error messages.
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): Checkpoint {
  checkEndianness();
  const fail = (problem: string): never => {
    throw new InvalidInputError(`Cannot load checkpoint ${source}: ${problem}`);
  };
  if (bytes.length < 8)
    fail(`file has ${bytes.length} bytes, too short for the 8-byte header length (truncated?)`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES)
    fail(`header length ${headerLength} is implausible (not a safetensors file?)`);
  if (8 + headerLength > bytes.length) {
    fail(`header needs ${headerLength} bytes but only ${bytes.length - 8} follow (truncated?)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch (error) {
    fail(`header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, StoredTensor>();
  const ranges: [number, number, string][] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null) fail('"__metadata__" is not an object');
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`metadata "${key}" is not a string`);
        metadata[key] = v as string;
      }
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof entry !== 'object' || entry === null) fail(`tensor "${name}" has no description`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (dtype !== 'F32' && dtype !== 'I32')
      fail(`tensor "${name}" has dtype ${String(dtype)}; genfeed reads F32 and I32`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      fail(`tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [start, end] = offsets as [number, number];
    const dims = shape as number[];
    const expected = sizeOf(dims) * 4;
    if (end - start !== expected) {
      fail(
        `tensor "${name}" of shape ${formatShape(dims)} ${dtype} needs ${expected} bytes, its offsets span ${end - start}`,
      );
    }
    if (end > dataLength) {
      fail(
        `tensor "${name}" ends at data byte ${end} but the file holds only ${dataLength} data bytes (truncated?)`,
      );
    }
    ranges.push([start, end, name]);
    // slice() copies into a fresh, aligned buffer.
    const chunk = bytes.buffer.slice(
      bytes.byteOffset + dataStart + start,
      bytes.byteOffset + dataStart + end,
    );
    tensors.set(
      name,
      dtype === 'F32'
        ? new Tensor(new Float32Array(chunk), dims)
        : new IntTensor(new Int32Array(chunk), dims),
    );
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let cursor = 0;
  for (const [start, end, name] of ranges) {
    if (start !== cursor)
      fail(`tensor "${name}" starts at data byte ${start}, expected ${cursor} (overlap or gap)`);
    cursor = end;
  }
  if (cursor !== dataLength) fail(`${dataLength - cursor} unexpected bytes after the last tensor`);
  const expectedSha = metadata[KEY_SHA256];
  if (expectedSha !== undefined) {
    const actual = createHash('sha256').update(bytes.subarray(dataStart)).digest('hex');
    if (actual !== expectedSha)
      fail(`sha256 of the tensor bytes is ${actual}, the header says ${expectedSha} (corrupted)`);
  }
  let config: unknown = null;
  const rawConfig = metadata[KEY_CONFIG];
  if (rawConfig !== undefined) {
    try {
      config = JSON.parse(rawConfig);
    } catch {
      fail(`metadata "${KEY_CONFIG}" is not valid JSON`);
    }
  }
  return { tensors, config, version: metadata[KEY_VERSION] ?? null, metadata };
}

/** Writes a checkpoint atomically (temp file, then rename). */
export async function saveCheckpoint(
  path: string,
  tensors: Iterable<readonly [string, StoredTensor]>,
  metadata: CheckpointMetadata = {},
): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, encodeSafetensors(tensors, metadata));
  await rename(temp, path);
}

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InvalidInputError(`Cannot load checkpoint ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return decodeSafetensors(bytes, path);
}
