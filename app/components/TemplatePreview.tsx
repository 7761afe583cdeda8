import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { SM } from '@zendeskgarden/react-typography';
import type { LocationValue, RenderedTemplate } from '../lib/bridge-templates';
import type { TranslationKey } from '../lib/i18n';
import { intlLocale } from '../lib/format';
import { useI18n } from '../hooks/useI18n';
import { FormattedText } from './FormattedText';

export interface ITemplatePreviewProps {
  rendered: RenderedTemplate;
}

/*
 * WhatsApp's own palette (light theme), on purpose not Garden's: the preview must look like
 * the customer's phone, not like Zendesk.
 */
const WA = {
  chat: '#efeae2',
  bubble: '#ffffff',
  text: '#111b21',
  meta: '#667781',
  link: '#027eb5',
  divider: '#e9edef',
  media: '#d1d7db',
  shadow: 'rgba(11, 20, 26, 0.13)',
};

const StyledChat = styled.div`
  border-radius: ${(p) => p.theme.borderRadii.md};
  background: ${WA.chat};
  padding: ${(p) => p.theme.space.sm};
`;

const StyledBubble = styled.div`
  position: relative;
  border-radius: 0 7.5px 7.5px;
  box-shadow: 0 1px 0.5px ${WA.shadow};
  background: ${WA.bubble};
  padding: 6px 7px 8px 9px;
  color: ${WA.text};
  font-size: 14.2px;
  line-height: 19px;
  overflow-wrap: anywhere;

  /* the tail at the top left, as for a message received */
  &::before {
    position: absolute;
    top: 0;
    left: -8px;
    border-top: 0 solid transparent;
    border-right: 8px solid ${WA.bubble};
    border-bottom: 13px solid transparent;
    content: '';
  }

  code {
    font-family: ${(p) => p.theme.fonts.mono};
    font-size: 13px;
  }
`;

const StyledHeaderText = styled.p`
  margin: 0 0 4px;
  font-size: 15px;
  font-weight: 700;
  white-space: pre-wrap;
`;

const StyledMedia = styled.div`
  display: flex;
  align-items: center;
  justify-content: center;
  margin: -3px -4px 6px -6px;
  border-radius: 6px;
  background: ${WA.media};
  min-height: 96px;
  padding: 8px;
  color: ${WA.meta};
  text-align: center;
  overflow-wrap: anywhere;
`;

const StyledBody = styled.p`
  margin: 0;
  white-space: pre-wrap;
`;

const StyledFooter = styled.p`
  margin: 4px 0 0;
  color: ${WA.meta};
  font-size: 13px;
  line-height: 17px;
  white-space: pre-wrap;
`;

const StyledTime = styled.span`
  display: block;
  margin-top: 2px;
  color: ${WA.meta};
  font-size: 11px;
  text-align: end;
`;

const StyledButtons = styled.ul`
  margin: 2px 0 0;
  padding: 0;
  list-style: none;
`;

const StyledButton = styled.li`
  display: flex;
  align-items: center;
  justify-content: center;
  gap: 6px;
  margin-top: 2px;
  border-radius: 7.5px;
  box-shadow: 0 1px 0.5px ${WA.shadow};
  background: ${WA.bubble};
  padding: 8px;
  color: ${WA.link};
  font-size: 14px;
  font-weight: 500;
  text-align: center;
  overflow-wrap: anywhere;
`;

const StyledLinks = styled(SM)`
  margin-top: ${(p) => p.theme.space.xxs};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
  overflow-wrap: anywhere;
`;

const ICONS: Record<string, string> = { URL: '↗', PHONE_NUMBER: '✆', COPY_CODE: '⧉', QUICK_REPLY: '↩', OTP: '⧉' };
const MEDIA_LABELS: Record<string, TranslationKey> = { IMAGE: 'preview.media.image', VIDEO: 'preview.media.video', GIF: 'preview.media.video', DOCUMENT: 'preview.media.document', LOCATION: 'preview.media.location' };

function placeOf({ latitude, longitude, name, address }: LocationValue): string {
  const coordinates = Number.isFinite(latitude) && Number.isFinite(longitude) ? `${latitude}, ${longitude}` : '';
  return [name, address, coordinates].filter(Boolean).join(' · ');
}

/** WhatsApp shows up to three buttons; with more, two and "See all options". */
function visibleButtons(buttons: RenderedTemplate['buttons']) {
  return buttons.length > 3 ? { shown: buttons.slice(0, 2), hasMore: true } : { shown: buttons, hasMore: false };
}

/** What the customer will see: the template as a WhatsApp message bubble with its buttons. */
export function TemplatePreview({ rendered }: ITemplatePreviewProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { header, body, footer, buttons } = rendered;
  const { shown, hasMore } = visibleButtons(buttons);
  const time = new Intl.DateTimeFormat(intlLocale(i18n.locale), { timeStyle: 'short' }).format(new Date());
  const links = buttons.filter((button) => button.url || button.phoneNumber || button.code);

  return (
    <section aria-label={t('preview.title')}>
      <StyledChat>
        <StyledBubble>
          {header?.text ? (
            <StyledHeaderText dir="auto" data-part="header">
              <FormattedText text={header.text} />
            </StyledHeaderText>
          ) : header ? (
            <StyledMedia data-part="header" dir="auto">
              {t(MEDIA_LABELS[header.format] ?? 'preview.media.document')}
              {header.media ? `: ${header.media.filename ?? header.media.link ?? header.media.id}` : ''}
              {header.location ? `: ${placeOf(header.location)}` : ''}
            </StyledMedia>
          ) : null}
          <StyledBody dir="auto" data-part="body">
            <FormattedText text={body} />
          </StyledBody>
          {footer && (
            <StyledFooter dir="auto" data-part="footer">
              {footer}
            </StyledFooter>
          )}
          <StyledTime aria-hidden>{time}</StyledTime>
        </StyledBubble>
        {shown.length > 0 && (
          <StyledButtons aria-label={t('preview.buttons')}>
            {shown.map((button, index) => (
              <StyledButton key={index} dir="auto" data-type={button.type}>
                <span aria-hidden>{ICONS[button.type] ?? '↩'}</span>
                <span>{button.text}</span>
              </StyledButton>
            ))}
            {hasMore && (
              <StyledButton data-type="MORE">
                <span aria-hidden>☰</span>
                <span>{t('preview.allOptions')}</span>
              </StyledButton>
            )}
          </StyledButtons>
        )}
      </StyledChat>
      {links.map((button, index) => (
        <StyledLinks key={index} tag="p" dir="auto">
          {button.url
            ? t('preview.link.url', { button: button.text, url: button.url })
            : button.phoneNumber
              ? t('preview.link.phone', { button: button.text, phone: button.phoneNumber })
              : t('preview.link.code', { button: button.text, code: button.code ?? '' })}
        </StyledLinks>
      ))}
    </section>
  );
}
