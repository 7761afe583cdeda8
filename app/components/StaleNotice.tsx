import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { SM } from '@zendeskgarden/react-typography';
import type { BridgeError } from '../lib/bridge-client';
import { intlLocale } from '../lib/format';
import { useI18n } from '../hooks/useI18n';

export interface IStaleNoticeProps {
  /** When (browser clock, ms) the conversation on screen was read. */
  updatedAt: number;
  /** Why the last background refresh failed (kept for the tooltip; the sidebar retries by itself). */
  error: BridgeError;
}

const StyledNotice = styled(SM)`
  margin: 0 0 ${(p) => p.theme.space.xs};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.warning' })};
`;

/**
 * A background refresh failed: the conversation below is the last one read. Small on purpose:
 * the sidebar stays usable (and the template picker keeps what the agent typed) while it retries.
 */
export function StaleNotice({ updatedAt, error }: IStaleNoticeProps) {
  const { t, locale } = useI18n();
  const time = new Intl.DateTimeFormat(intlLocale(locale), { timeStyle: 'short' }).format(new Date(updatedAt));
  return (
    <StyledNotice tag="p" role="status" data-kind={error.kind} title={error.message}>
      {t('conversation.stale', { time })}
    </StyledNotice>
  );
}
