import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { SM } from '@zendeskgarden/react-typography';
import { useI18n } from '../hooks/useI18n';

/** A one-line state for tickets without a WhatsApp customer: it must take little height. */
const StyledCompact = styled(SM)`
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

export function NotWhatsApp() {
  const { t } = useI18n();
  return (
    <StyledCompact tag="p" role="status" data-testid="not-whatsapp">
      <SM tag="span" isBold>
        {t('notWhatsApp.title')}
      </SM>{' '}
      · {t('notWhatsApp.body')}
    </StyledCompact>
  );
}
