import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { InvalidInputError } from '../../core/index.js';

export const MANIFEST_FILE = 'manifest.json';

/** What a directory's `manifest.json` must say: its format, the newest version read, and its schema. */
export interface DirectoryFormat<Manifest extends DirectoryManifest> {
  /** The `format` field, e.g. `genfeed.cascade`. */
  name: string;
  /** The newest format version this genfeed reads (and writes). */
  version: number;
  schema: z.ZodType<Manifest, unknown>;
}

/** Every manifest ends with the sha256 (hex) of each file of the directory but itself. */
export interface DirectoryManifest {
  files: Record<string, string>;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A model directory: files plus `manifest.json` with the sha256 of each. The
 * manifest is removed first and written last (via a temporary file and a
 * rename), so a directory with a manifest is complete. Reading checks the
 * manifest's format, version and fields, then every checksum; every problem is
 * an `InvalidInputError` naming the directory and the file, so a registry can
 * refuse the version and keep serving the previous one.
 */
export class ManifestDirectory {
  /** `kind` names it in errors: `Cannot load ${kind} ${dir}: ...`. */
  constructor(
    readonly dir: string,
    readonly kind: string,
  ) {}

  /** Creates the directory and removes any previous manifest before files are (re)written. */
  async startWriting(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await rm(join(this.dir, MANIFEST_FILE), { force: true });
  }

  /** Hashes `files` (already written) and writes the manifest last, `files` as its final field. */
  async finishWriting<Manifest extends DirectoryManifest>(
    manifest: Omit<Manifest, 'files'>,
    files: readonly string[],
  ): Promise<Manifest> {
    const checksums: Record<string, string> = {};
    for (const file of files) checksums[file] = sha256(await readFile(join(this.dir, file)));
    const complete = { ...manifest, files: checksums } as Manifest;
    const temp = join(this.dir, `${MANIFEST_FILE}.tmp`);
    await writeFile(temp, `${JSON.stringify(complete, null, 2)}\n`);
    await rename(temp, join(this.dir, MANIFEST_FILE));
    return complete;
  }

  fail(file: string, problem: string, cause?: unknown): never {
    throw new InvalidInputError(
      `Cannot load ${this.kind} ${this.dir}: ${file} ${problem}`,
      cause === undefined ? undefined : { cause },
    );
  }

  async read(file: string): Promise<Buffer> {
    try {
      return await readFile(join(this.dir, file));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return this.fail(file, code === 'ENOENT' ? 'is missing' : `cannot be read (${code})`, error);
    }
  }

  /** The manifest, checked: valid JSON, this format, a version this genfeed reads, the schema's fields. */
  async readManifest<Manifest extends DirectoryManifest>(
    format: DirectoryFormat<Manifest>,
  ): Promise<Manifest> {
    let json: unknown;
    try {
      json = JSON.parse((await this.read(MANIFEST_FILE)).toString('utf8'));
    } catch (error) {
      if (error instanceof InvalidInputError) throw error;
      this.fail(MANIFEST_FILE, `is not valid JSON (${(error as Error).message})`, error);
    }
    const header = json as { format?: unknown; formatVersion?: unknown } | null;
    if (header?.format !== format.name)
      this.fail(MANIFEST_FILE, `is not a ${format.name} manifest (format: ${String(header?.format)})`);
    if (typeof header?.formatVersion === 'number' && header.formatVersion > format.version)
      this.fail(
        MANIFEST_FILE,
        `has format version ${header.formatVersion}; this genfeed reads up to ${format.version} (upgrade genfeed)`,
      );
    const parsed = format.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      this.fail(MANIFEST_FILE, `field "${issue.path.join('.') || '(top level)'}": ${issue.message}`);
    }
    return parsed.data;
  }

  /**
   * Reads every file the manifest lists and checks its sha256; `required` files
   * must be listed. Returns the checked bytes by file name.
   */
  async verify(manifest: DirectoryManifest, required: readonly string[]): Promise<Map<string, Buffer>> {
    for (const file of required)
      if (!(file in manifest.files)) this.fail(MANIFEST_FILE, `lists no checksum for ${file}`);
    const contents = new Map<string, Buffer>();
    for (const [file, expected] of Object.entries(manifest.files)) {
      const bytes = await this.read(file);
      const actual = sha256(bytes);
      if (actual !== expected)
        this.fail(file, `has sha256 ${actual}, the manifest says ${expected} (corrupted or modified)`);
      contents.set(file, bytes);
    }
    return contents;
  }
}
