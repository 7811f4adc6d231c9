import { basename } from 'node:path';
import { InvalidInputError } from '../core/index.js';

export interface DataRowErrorDetails {
  /** The file as given (the message shows only its base name). */
  file: string;
  /** 1-based physical line where the bad row starts; absent for whole-file problems. */
  line?: number;
  field?: string;
  /** What `field` names, for sources whose units are not columns (default `field`; JSON uses `item`). */
  fieldKind?: string;
  value?: string;
  /** What is wrong, e.g. `expected a number, got "abc"`. */
  problem: string;
  /** `read` for bytes that cannot be decoded, `parse` (default) for text that does not fit the format. */
  action?: 'read' | 'parse';
}

/**
 * A data file does not match its format. The message names the file, the line,
 * the field and the bad value, so a user can open the file and fix it.
 */
export class DataRowError extends InvalidInputError {
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly value: string | undefined;

  constructor(details: DataRowErrorDetails, options?: ErrorOptions) {
    const where = details.line === undefined ? '' : `line ${details.line} of `;
    const field = details.field === undefined ? '' : `${details.fieldKind ?? 'field'} "${details.field}": `;
    super(
      `Cannot ${details.action ?? 'parse'} ${where}${basename(details.file)}: ${field}${details.problem}`,
      options,
    );
    this.file = details.file;
    this.line = details.line;
    this.field = details.field;
    this.value = details.value;
  }
}
