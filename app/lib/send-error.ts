/**
 * A failed template send, in the agent's words: what happened, what to do, and whether "Try
 * again" is offered. "Try again" sends the SAME idempotency key, so it is offered only when the
 * bridge never handled the request or says to ask again: no answer at all (the bridge answers
 * the first result to the same key), rate limited (refused before anything was done), or a send
 * still under way. An answer that says the send failed is final for that key: the agent reviews
 * and sends again, which is a new send with a new key.
 */
import type { BridgeError } from './bridge-client';
import type { I18n } from './i18n';

export interface SendErrorText {
  title: string;
  body: string;
  /** "Try again" with the same idempotency key is safe and may succeed. */
  isRetryable: boolean;
  /** The outcome is unknown: the customer may have received it. */
  isUncertain: boolean;
}

export function describeSendError({ t }: I18n, error: BridgeError): SendErrorText {
  const requestId = error.requestId ?? '-';
  switch (error.kind) {
    case 'unreachable':
      return { title: t('send.error.unreachable.title'), body: t('send.error.unreachable.body'), isRetryable: true, isUncertain: true };
    case 'invalid_key':
      return { title: t('error.invalidKey.title'), body: t('error.invalidKey.body'), isRetryable: false, isUncertain: false };
    case 'not_configured':
      return { title: t('error.notConfigured.title'), body: t('error.notConfigured.body'), isRetryable: false, isUncertain: false };
    case 'rate_limited':
      return { title: t('error.rateLimited.title'), body: t('error.rateLimited.body', { seconds: error.retryAfterSeconds ?? 60 }), isRetryable: true, isUncertain: false };
    case 'not_whatsapp':
      return { title: t('send.error.notSent.title'), body: t('notWhatsApp.body'), isRetryable: false, isUncertain: false };
    default:
      break;
  }
  if (error.code === 'template_invalid' || error.fields.length > 0) {
    return { title: t('send.error.notSent.title'), body: t('send.error.invalid.body', { message: error.message }), isRetryable: false, isUncertain: false };
  }
  if (error.code === 'send_in_progress') {
    return { title: t('send.error.inProgress.title'), body: t('send.error.inProgress.body'), isRetryable: true, isUncertain: true };
  }
  if (error.code === 'send_failed') {
    // A 2xx whose body says `failed` (older bridges answered a repeated key of a failed send so).
    return { title: t('send.error.notSent.title'), body: t('send.error.failed.body'), isRetryable: false, isUncertain: false };
  }
  return { title: t('send.error.notSent.title'), body: t('send.error.server.body', { message: error.message, requestId }), isRetryable: false, isUncertain: false };
}
