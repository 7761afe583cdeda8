import { useEffect, useRef, type KeyboardEvent } from 'react';
import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { Button } from '@zendeskgarden/react-buttons';
import { MD, Paragraph } from '@zendeskgarden/react-typography';
import { useI18n } from '../hooks/useI18n';

export interface ISendConfirmationProps {
  question: string;
  isSending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

const StyledBox = styled.div`
  margin-top: ${(p) => p.theme.space.sm};
  border: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.primaryEmphasis' })};
  border-radius: ${(p) => p.theme.borderRadii.md};
  padding: ${(p) => p.theme.space.sm};
`;

const StyledActions = styled.div`
  display: flex;
  gap: ${(p) => p.theme.space.xs};
  margin-top: ${(p) => p.theme.space.sm};
`;

/**
 * The last step before a template leaves: who gets it, then Send or Cancel. Focus starts on
 * Send; Escape cancels (the caller puts focus back where the agent was).
 */
export function SendConfirmation({ question, isSending, onConfirm, onCancel }: ISendConfirmationProps) {
  const { t } = useI18n();
  const sendRef = useRef<HTMLButtonElement>(null);
  useEffect(() => sendRef.current?.focus(), []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !isSending) {
      event.stopPropagation();
      onCancel();
    }
  };

  return (
    <StyledBox role="alertdialog" aria-labelledby="send-confirmation-title" aria-describedby="send-confirmation-body" onKeyDown={onKeyDown}>
      <MD isBold tag="h3" id="send-confirmation-title">
        {question}
      </MD>
      <Paragraph id="send-confirmation-body" size="small">
        {t('confirm.body')}
      </Paragraph>
      <StyledActions>
        <Button ref={sendRef} isPrimary size="small" onClick={onConfirm} disabled={isSending}>
          {isSending ? t('confirm.sending') : t('confirm.send')}
        </Button>
        <Button size="small" onClick={onCancel} disabled={isSending}>
          {t('confirm.cancel')}
        </Button>
      </StyledActions>
    </StyledBox>
  );
}
