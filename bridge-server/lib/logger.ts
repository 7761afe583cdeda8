/**
 * JSON logs (pino). Secrets are redacted by path; phone numbers are masked by `maskPhone`
 * wherever a log line names a customer.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'password',
  '*.password',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'whatsapp-zendesk-bridge' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** +39•••••4567: enough to recognise a customer in a log, not enough to call them. */
export function maskPhone(digits: string | null | undefined): string {
  if (!digits) return '(none)';
  const d = digits.replace(/\D/g, '');
  if (d.length <= 6) return '•'.repeat(d.length);
  return `+${d.slice(0, 2)}${'•'.repeat(d.length - 6)}${d.slice(-4)}`;
}
