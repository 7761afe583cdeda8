import { lazy, Suspense } from 'react';
import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { Dots } from '@zendeskgarden/react-loaders';
import { MD, SM } from '@zendeskgarden/react-typography';
import type { Contact } from '../lib/bridge-client';
import { useI18n } from '../hooks/useI18n';

/**
 * The picker's code (list, form, preview, Garden forms and dropdowns, zod) is a separate chunk
 * (dist/assets/picker.js), fetched when the picker first renders, i.e. with the window clock
 * already on screen: the clock never waits for it (issue 4, "Size and speed").
 */
const AvailablePicker = lazy(() => import(/* webpackChunkName: "picker" */ './AvailablePicker'));

/**
 * Why nothing can be sent from this ticket, when the picker cannot even list templates:
 * `not_whatsapp` (no WhatsApp customer on the ticket, or a new ticket) or `bridge` (the
 * conversation could not be read: the notice above says why).
 */
export type PickerUnavailable = 'not_whatsapp' | 'bridge';

export interface ITemplatePickerProps {
  ticketId: number;
  contact: Contact | null;
  unavailable?: PickerUnavailable;
  onSent?: () => void;
}

const StyledPicker = styled.section`
  margin-top: ${(p) => p.theme.space.md};
  border-top: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.default' })};
  padding-top: ${(p) => p.theme.space.sm};
`;

const StyledSubtle = styled(SM)`
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const StyledLoading = styled.div`
  display: flex;
  align-items: center;
  gap: ${(p) => p.theme.space.xs};
`;

const TITLE_ID = 'template-picker-title';

/** The section that sends approved WhatsApp templates from the ticket, whether the window is open or not. */
export function TemplatePicker({ ticketId, contact, unavailable, onSent }: ITemplatePickerProps) {
  const { t } = useI18n();
  const title = (
    <MD isBold tag="h2" id={TITLE_ID}>
      {t('picker.title')}
    </MD>
  );
  if (unavailable || !contact) {
    return (
      <StyledPicker aria-labelledby={TITLE_ID} aria-disabled="true" data-state="unavailable">
        {title}
        <StyledSubtle tag="p">{t(unavailable === 'bridge' ? 'picker.unavailable.bridge' : 'picker.unavailable.notWhatsApp')}</StyledSubtle>
      </StyledPicker>
    );
  }
  return (
    <StyledPicker aria-labelledby={TITLE_ID}>
      {title}
      <Suspense fallback={<PickerLoading />}>
        <AvailablePicker ticketId={ticketId} contact={contact} onSent={onSent} />
      </Suspense>
    </StyledPicker>
  );
}

function PickerLoading() {
  const { t } = useI18n();
  return (
    <StyledLoading role="status" aria-live="polite">
      <Dots aria-hidden />
      <SM tag="span">{t('picker.loading')}</SM>
    </StyledLoading>
  );
}
