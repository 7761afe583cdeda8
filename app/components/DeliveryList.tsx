import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { Tag } from '@zendeskgarden/react-tags';
import { MD, SM } from '@zendeskgarden/react-typography';
import type { ConversationMessage, MessageState } from '../lib/bridge-client';
import { formatMoment } from '../lib/format';
import { useI18n } from '../hooks/useI18n';
import { FormattedText } from './FormattedText';

export interface IDeliveryListProps {
  messages: ConversationMessage[];
  /** Bridge time used for "today" when formatting message times. */
  nowMs: number;
}

const HUES: Record<MessageState, string> = {
  pending: 'grey',
  accepted: 'grey',
  sent: 'blue',
  delivered: 'blue',
  read: 'green',
  failed: 'red',
  not_sent: 'red',
  received: 'kale',
};

const StyledList = styled.ul`
  margin: 0;
  padding: 0;
  list-style: none;
`;

const StyledItem = styled.li`
  border-top: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.subtle' })};
  padding: ${(p) => p.theme.space.xs} 0;
`;

const StyledMeta = styled.div`
  display: flex;
  align-items: center;
  justify-content: space-between;
  gap: ${(p) => p.theme.space.xs};
`;

const StyledSubtle = styled(SM)`
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

/** At most three lines (the whole text is on the ticket), drawn with WhatsApp's formatting as the customer sees it. */
const StyledText = styled(SM)`
  display: -webkit-box;
  overflow: hidden;
  -webkit-line-clamp: 3;
  -webkit-box-orient: vertical;
  overflow-wrap: anywhere;

  code {
    font-family: ${(p) => p.theme.fonts.mono};
  }
`;

const StyledBadges = styled.span`
  display: inline-flex;
  align-items: center;
  gap: ${(p) => p.theme.space.xxs};
`;

/** The customer's reaction: the emoji itself, named for screen readers ("Customer reacted 👍"). */
const StyledReaction = styled.span`
  font-size: ${(p) => p.theme.fontSizes.md};
  line-height: 1;
`;

const StyledFailure = styled(SM)`
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.danger' })};
`;

export function DeliveryList({ messages, nowMs }: IDeliveryListProps) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <section aria-labelledby="delivery-list-title">
      <MD isBold tag="h2" id="delivery-list-title">
        {t('delivery.title')}
      </MD>
      {messages.length === 0 ? (
        <StyledSubtle tag="p">{t('delivery.empty')}</StyledSubtle>
      ) : (
        <StyledList>
          {messages.map((message) => (
            <StyledItem key={message.id} data-state={message.state}>
              <StyledMeta>
                <StyledSubtle tag="span">
                  {message.direction === 'inbound' ? t('delivery.inbound') : t('delivery.outbound')} ·{' '}
                  <time dateTime={message.at}>{formatMoment(i18n, new Date(message.at), nowMs)}</time>
                </StyledSubtle>
                <StyledBadges>
                  {message.direction === 'outbound' && message.reaction && (
                    <StyledReaction role="img" aria-label={t('delivery.reaction', { emoji: message.reaction })} title={t('delivery.reaction', { emoji: message.reaction })}>
                      {message.reaction}
                    </StyledReaction>
                  )}
                  <Tag hue={HUES[message.state] ?? 'grey'} size="small">
                    <span>{t(`delivery.state.${message.state}`)}</span>
                  </Tag>
                </StyledBadges>
              </StyledMeta>
              {message.template && <StyledSubtle tag="div">{t('delivery.template', { name: message.template.name })}</StyledSubtle>}
              <StyledText tag="div" dir="auto" data-part="text">
                {message.text == null ? t('delivery.noText', { type: message.type }) : <FormattedText text={message.text} />}
              </StyledText>
              {message.failureReason && (message.state === 'failed' || message.state === 'not_sent') && (
                <StyledFailure tag="p" role="note">
                  {message.failureReason}
                </StyledFailure>
              )}
            </StyledItem>
          ))}
        </StyledList>
      )}
    </section>
  );
}
