/**
 * One error family: each error has an HTTP-ish status, a stable code, a message that says what
 * happened and what to do, and the cause.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(code: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? 500;
  }
}
