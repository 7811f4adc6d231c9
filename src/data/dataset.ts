import type { DataSource } from './data-source.js';
import type { InteractionTable } from './interaction-table.js';
import type { Item, ReadReport, User } from './types.js';

export type DataFormat = 'sequences' | 'kuairec' | 'kuairand' | 'movielens';

/** Which KuaiRec interactions to load: the binarised splits, or an official watch-ratio matrix. */
export type KuaiRecMatrix = 'splits' | 'small' | 'big';

export interface Dataset {
  /** The folder name, or the file name without its extension. */
  name: string;
  format: DataFormat;
  interactions: InteractionTable;
  /** When the source ships its own split: per row 0 = train, 1 = valid, 2 = test. */
  part?: Uint8Array;
  /** Interactions whose label is >= this count as positive (undefined: every interaction is positive). */
  positiveThreshold?: number;
  /** Metadata where the source has it (may be empty). */
  items: Map<string, Item>;
  users: Map<string, User>;
}

export interface LoadDatasetOptions {
  /** Skip format detection. */
  format?: DataFormat;
  /** Count and skip bad rows instead of failing on the first one. */
  skipBadRows?: boolean;
  /** Receives one report per file read. */
  reports?: ReadReport[];
  /** KuaiRec only (default: the splits when present, else small_matrix.csv, else big_matrix.csv). */
  kuairecMatrix?: KuaiRecMatrix;
}

/** One source layout: recognises its files and loads them. One per format, listed in `load-dataset.ts`. */
export interface FormatLoader {
  readonly format: DataFormat;
  /** What `detect` looks for, named in the error when no format matches. */
  readonly lookingFor: string;
  detect(source: DataSource): Promise<boolean>;
  load(source: DataSource, options: LoadDatasetOptions): Promise<Dataset>;
}
