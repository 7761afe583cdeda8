import { Button } from '@zendeskgarden/react-buttons';
import { Alert } from '@zendeskgarden/react-notifications';
import type { BridgeError } from '../lib/bridge-client';
import type { TranslationKey, Vars } from '../lib/i18n';
import { useI18n } from '../hooks/useI18n';

export interface IBridgeErrorNoticeProps {
  error: BridgeError;
  onRetry: () => void;
}

function messageKeys(error: BridgeError): { title: TranslationKey; body: TranslationKey; vars?: Vars } {
  switch (error.kind) {
    case 'unreachable':
      return { title: 'error.unreachable.title', body: 'error.unreachable.body' };
    case 'invalid_key':
      return { title: 'error.invalidKey.title', body: 'error.invalidKey.body' };
    case 'not_configured':
      return { title: 'error.notConfigured.title', body: 'error.notConfigured.body' };
    case 'rate_limited':
      return { title: 'error.rateLimited.title', body: 'error.rateLimited.body', vars: { seconds: error.retryAfterSeconds ?? 60 } };
    default:
      return { title: 'error.server.title', body: 'error.server.body', vars: { message: error.message, requestId: error.requestId ?? '-' } };
  }
}

/** A bridge failure, saying what happened and what to do, with a way to try again. */
export function BridgeErrorNotice({ error, onRetry }: IBridgeErrorNoticeProps) {
  const { t } = useI18n();
  const { title, body, vars } = messageKeys(error);
  return (
    <Alert type={error.kind === 'rate_limited' ? 'warning' : 'error'} data-kind={error.kind}>
      <Alert.Title>{t(title)}</Alert.Title>
      <Alert.Paragraph>{t(body, vars)}</Alert.Paragraph>
      <Button size="small" onClick={onRetry}>
        {t('app.retry')}
      </Button>
    </Alert>
  );
}
