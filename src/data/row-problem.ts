/**
 * Thrown by field parsers and row checks, before the line and file are known;
 * the row reader turns it into a `DataRowError`. Internal to the module.
 */
export class RowProblem extends Error {
  readonly problem: string;
  readonly field: string | undefined;
  readonly value: string | undefined;

  constructor(problem: string, field?: string, value?: string) {
    super(problem);
    this.problem = problem;
    this.field = field;
    this.value = value;
  }
}

/** A value as shown in messages: quoted, and cut short so one bad caption cannot flood a log. */
export function showValue(value: string, maxLength = 80): string {
  const shown = value.length > maxLength ? `${value.slice(0, maxLength)}...` : value;
  return JSON.stringify(shown);
}
