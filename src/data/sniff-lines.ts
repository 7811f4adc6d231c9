import { open } from 'node:fs/promises';

const SNIFF_BYTES = 64 * 1024;

/** The first `count` complete lines of a file (within its first 64 KiB), for format detection. */
export async function sniffLines(path: string, count: number): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    const lines = text.split(/\r?\n/);
    // The last piece is cut short unless the whole file fitted.
    if (bytesRead === SNIFF_BYTES) lines.pop();
    else if (lines.at(-1) === '') lines.pop();
    return lines.slice(0, count);
  } finally {
    await handle.close();
  }
}
