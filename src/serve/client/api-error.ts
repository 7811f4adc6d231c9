/** An error answered by the genfeed API (`{ error: { code, message, field? } }`), or a response that was not one. */
export class GenfeedApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'GenfeedApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}
