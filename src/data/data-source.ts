import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { NotFoundError } from '../core/index.js';

/** A path to load from, as a folder and its file names: what format detection and loaders look at. */
export class DataSource {
  /** The path as given. */
  readonly path: string;
  /** The folder holding the files: the path itself, or the folder of the given file. */
  readonly directory: string;
  /** The given file's name, when the path is a file. */
  readonly file: string | undefined;
  /** The names of the files in `directory`, sorted. */
  readonly files: readonly string[];

  constructor(path: string, directory: string, file: string | undefined, files: readonly string[]) {
    this.path = path;
    this.directory = directory;
    this.file = file;
    this.files = files;
  }

  static async open(path: string): Promise<DataSource> {
    let stats: Stats;
    try {
      stats = await stat(path);
    } catch (error) {
      throw new NotFoundError(`Cannot load ${path}: no such file or folder`, { cause: error });
    }
    const directory = stats.isDirectory() ? resolve(path) : dirname(resolve(path));
    const entries = await readdir(directory, { withFileTypes: true });
    // Symlinked data files count (a data folder assembled from links is common); links to folders do not.
    const isFile = async (entry: Dirent): Promise<boolean> =>
      entry.isFile() ||
      (entry.isSymbolicLink() &&
        (await stat(join(directory, entry.name)).then(
          (s) => s.isFile(),
          () => false,
        )));
    const kept = await Promise.all(entries.map(isFile));
    const files = entries
      .filter((_, i) => kept[i])
      .map((entry) => entry.name)
      .sort();
    return new DataSource(path, directory, stats.isDirectory() ? undefined : basename(path), files);
  }

  /** The dataset name: the folder name, or the file name without its extension. */
  get name(): string {
    return this.file === undefined ? basename(this.directory) : basename(this.file, extname(this.file));
  }

  has(name: string): boolean {
    return this.files.includes(name);
  }

  /** The full path of a file in the folder. */
  pathOf(name: string): string {
    return join(this.directory, name);
  }

  /** The files of the folder whose names match, sorted. */
  matching(pattern: RegExp): string[] {
    return this.files.filter((name) => pattern.test(name));
  }
}
