import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A temporary folder for the current test file, removed after it. */
export function useTempDir(): {
  path(name: string): string;
  write(name: string, content: string | Uint8Array): Promise<string>;
} {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'genfeed-data-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });
  return {
    path: (name) => join(directory, name),
    async write(name, content) {
      const path = join(directory, name);
      await writeFile(path, content);
      return path;
    },
  };
}
