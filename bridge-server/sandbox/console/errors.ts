/**
 * The console's one error type and its handler: every failure answers
 * `{ error: { message } }` in plain words (what happened, what to do), never a stack trace.
 */
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { ZendeskApiError } from '../zendesk/errors';

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

export function describeZodError(error: ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

export const consoleErrorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  if (error instanceof ConsoleError) {
    res.status(error.status).json({ error: { message: error.message } });
  } else if (error instanceof ZodError) {
    res.status(400).json({ error: { message: `Check the form: ${describeZodError(error)}.` } });
  } else if (error instanceof ZendeskApiError) {
    res.status(error.status).json({ error: { message: `The simulated Zendesk refused it: ${error.message}.` } });
  } else if ((error as { type?: string }).type === 'entity.parse.failed') {
    res.status(400).json({ error: { message: 'The request body is not valid JSON; send JSON with Content-Type: application/json.' } });
  } else {
    res.status(500).json({ error: { message: `Something went wrong in the console: ${(error as Error)?.message ?? String(error)}. See the terminal for details, then try again.` } });
  }
};
