import styled from 'styled-components';
import { Dots } from '@zendeskgarden/react-loaders';
import { SM } from '@zendeskgarden/react-typography';
import { useI18n } from '../hooks/useI18n';

const StyledLoading = styled.div`
  display: flex;
  align-items: center;
  gap: ${(p) => p.theme.space.xs};
`;

export function LoadingState() {
  const { t } = useI18n();
  return (
    <StyledLoading role="status" aria-live="polite">
      <Dots aria-hidden />
      <SM tag="span">{t('app.loading')}</SM>
    </StyledLoading>
  );
}
