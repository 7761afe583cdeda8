import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { Tag } from '@zendeskgarden/react-tags';
import { MD, Paragraph } from '@zendeskgarden/react-typography';
import type { ConversationWindow, WindowState } from '../lib/bridge-client';
import { computeWindow } from '../lib/window-clock';
import { formatDuration, formatMoment } from '../lib/format';
import { useI18n } from '../hooks/useI18n';
import { useNow } from '../hooks/useNow';

export interface IWindowClockProps {
  window: ConversationWindow;
  /** Bridge clock minus browser clock, measured when the conversation was read. */
  clockOffsetMs: number;
  closingSoonMinutes: number;
}

const HUES: Record<WindowState, string> = { open: 'green', closing: 'yellow', closed: 'red' };

const StyledClock = styled.section`
  margin-bottom: ${(p) => p.theme.space.md};
`;

const StyledHeader = styled.div`
  display: flex;
  align-items: center;
  justify-content: space-between;
  gap: ${(p) => p.theme.space.xs};
  margin-bottom: ${(p) => p.theme.space.xxs};
`;

const StyledSentence = styled(Paragraph)<{ $state: WindowState }>`
  color: ${(p) => getColor({ theme: p.theme, variable: p.$state === 'open' ? 'foreground.default' : p.$state === 'closing' ? 'foreground.warning' : 'foreground.danger' })};
`;

export function WindowClock({ window, clockOffsetMs, closingSoonMinutes }: IWindowClockProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const now = useNow(1000) + clockOffsetMs;
  const view = computeWindow(window, now, closingSoonMinutes);
  const at = view.expiresAt ? formatMoment(i18n, view.expiresAt, now) : '';

  let sentence: string;
  if (!view.hasCustomerMessage) sentence = t('window.neverOpened');
  else if (view.state === 'closed') sentence = t('window.closed', { at, ago: formatDuration(i18n, now - (view.expiresAt?.getTime() ?? now)) });
  else sentence = t(view.state === 'open' ? 'window.open' : 'window.closing', { time: formatDuration(i18n, view.msLeft), at });

  return (
    <StyledClock aria-labelledby="window-clock-title" data-state={view.state}>
      <StyledHeader>
        <MD isBold tag="h2" id="window-clock-title">
          {t('window.title')}
        </MD>
        <Tag hue={HUES[view.state]} isPill>
          <span>{t(`window.state.${view.state}`)}</span>
        </Tag>
      </StyledHeader>
      <StyledSentence $state={view.state} role="timer" aria-live={view.state === 'open' ? 'off' : 'polite'}>
        {sentence}
      </StyledSentence>
    </StyledClock>
  );
}
