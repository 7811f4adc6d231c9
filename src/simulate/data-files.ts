import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../core/index.js';

/**
 * Finds a file by name pattern in `root` or one folder below it (so both
 * `../shared/data` and a folder of downloaded files work). Required files that
 * are missing raise a NotFoundError naming what was looked for and where.
 */
export function locate(root: string, pattern: RegExp, what: string, required: true): string;
export function locate(root: string, pattern: RegExp, what: string, required: boolean): string | undefined;
export function locate(root: string, pattern: RegExp, what: string, required: boolean): string | undefined {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new NotFoundError(`Cannot read the simulator's data: ${root} is not a folder`);
  }
  const folders = [
    root,
    ...readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(root, e.name))
      .sort(),
  ];
  for (const folder of folders) {
    const match = readdirSync(folder)
      .filter((name) => pattern.test(name))
      .sort()[0];
    if (match) return join(folder, match);
  }
  if (required) {
    throw new NotFoundError(`Cannot build the real-mode world: no ${what} in ${root} or its sub-folders`);
  }
  return undefined;
}
