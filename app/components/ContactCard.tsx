import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { MD, SM } from '@zendeskgarden/react-typography';
import type { Contact } from '../lib/bridge-client';
import { useI18n } from '../hooks/useI18n';

export interface IContactCardProps {
  contact: Contact;
}

const StyledCard = styled.section`
  margin-bottom: ${(p) => p.theme.space.md};
`;

const StyledLabel = styled(SM)`
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

export function ContactCard({ contact }: IContactCardProps) {
  const { t } = useI18n();
  const label = contact.phone ? t('contact.phone') : t('contact.businessScopedId');
  return (
    <StyledCard aria-label={t('contact.title')}>
      <MD isBold tag="h2">
        {contact.name ?? t('contact.noName')}
      </MD>
      <StyledLabel tag="div">
        {label}:{' '}
        <SM tag="span" isMonospace>
          {contact.phone ?? contact.businessScopedUserId ?? contact.display}
        </SM>
      </StyledLabel>
    </StyledCard>
  );
}
