/**
 * A failed template send, in the agent's words: what happened, what to do, and whether "Try
 * again" is safe (it is whenever the same idempotency key is sent again: the bridge answers the
 * first result instead of sending twice).
 */
import type { BridgeError } from './bridge-client';
import type { I18n } from './i18n';

export interface SendErrorText {
  title: string;
  body: string;
  /** Retrying the same request may succeed (no answer, busy, rate limited, bridge failure). */
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
  const isServerFault = error.status >= 500;
  return {
    title: t('send.error.notSent.title'),
    body: t('send.error.server.body', { message: error.message, requestId }),
    isRetryable: isServerFault && error.code !== 'api_key_not_configured' && error.code !== 'templates_not_configured',
    isUncertain: false,
  };
}
