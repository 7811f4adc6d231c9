import { mkdtempSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidInputError } from '../../core/index.js';
import { type DirectoryFormat, ManifestDirectory } from './manifest-directory.js';

const schema = z
  .object({
    format: z.literal('test.dir'),
    formatVersion: z.number(),
    size: z.number(),
    files: z.record(z.string(), z.string()),
  })
  .strict();
type TestManifest = z.infer<typeof schema>;
const format: DirectoryFormat<TestManifest> = { name: 'test.dir', version: 2, schema };
const root = mkdtempSync(join(tmpdir(), 'genfeed-manifest-dir-'));

async function written(name: string): Promise<ManifestDirectory> {
  const directory = new ManifestDirectory(join(root, name), 'test directory');
  await directory.startWriting();
  await writeFile(join(directory.dir, 'data.bin'), 'abc');
  await directory.finishWriting<TestManifest>({ format: 'test.dir', formatVersion: 2, size: 3 }, [
    'data.bin',
  ]);
  return directory;
}

describe('ManifestDirectory', () => {
  it('writes the manifest last with a checksum per file and reads back the checked bytes', async () => {
    const directory = await written('round-trip');
    const manifest = await directory.readManifest(format);
    expect(manifest.size).toBe(3);
    expect(Object.keys(manifest.files)).toEqual(['data.bin']);
    const contents = await directory.verify(manifest, ['data.bin']);
    expect(contents.get('data.bin')!.toString()).toBe('abc');
  });

  it('names the directory and the file of every problem', async () => {
    const directory = await written('broken');
    const manifest = await directory.readManifest(format);
    await expect(directory.verify(manifest, ['other.bin'])).rejects.toThrow(
      `Cannot load test directory ${directory.dir}: manifest.json lists no checksum for other.bin`,
    );
    writeFileSync(join(directory.dir, 'data.bin'), 'abd');
    await expect(directory.verify(manifest, [])).rejects.toThrow(
      /data\.bin has sha256 .* \(corrupted or modified\)/,
    );
    writeFileSync(join(directory.dir, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: 3 }));
    await expect(directory.readManifest(format)).rejects.toThrow(
      /format version 3; this genfeed reads up to 2/,
    );
    writeFileSync(join(directory.dir, 'manifest.json'), JSON.stringify({ ...manifest, size: 'big' }));
    await expect(directory.readManifest(format)).rejects.toThrow(/manifest\.json field "size"/);
    const missing = new ManifestDirectory(join(root, 'nowhere'), 'test directory');
    await expect(missing.readManifest(format)).rejects.toBeInstanceOf(InvalidInputError);
  });
});
