import { useEffect, useRef } from 'react';
import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input, Select } from '@zendeskgarden/react-forms';
import { Tag } from '@zendeskgarden/react-tags';
import { SM } from '@zendeskgarden/react-typography';
import type { Template } from '../lib/bridge-templates';
import { blockedReason, CATEGORIES, type TemplateFilter } from '../lib/template-catalog';
import type { I18n, TranslationKey } from '../lib/i18n';
import { languageLabel } from '../lib/template-language';
import { headerFormat } from '../lib/template-render';
import { useI18n } from '../hooks/useI18n';

export interface ITemplateListProps {
  templates: Template[];
  shown: Template[];
  languages: string[];
  filter: TemplateFilter;
  onFilterChange: (filter: TemplateFilter) => void;
  onChoose: (template: Template) => void;
  /** The template to give focus to on mount (the one the agent came back from). */
  focusId: string | null;
}

const StyledFilters = styled.div`
  display: grid;
  grid-template-columns: 1fr 1fr;
  gap: ${(p) => p.theme.space.xs};
  margin: ${(p) => p.theme.space.xs} 0;

  & > :first-child {
    grid-column: 1 / -1;
  }
`;

const StyledList = styled.ul`
  margin: 0;
  padding: 0;
  list-style: none;
`;

const StyledChoice = styled.button`
  display: block;
  border: ${(p) => p.theme.borders.sm} transparent;
  border-top-color: ${(p) => getColor({ theme: p.theme, variable: 'border.subtle' })};
  background: transparent;
  cursor: pointer;
  padding: ${(p) => p.theme.space.xs};
  width: 100%;
  text-align: start;
  color: inherit;
  font: inherit;

  &:hover:not([aria-disabled='true']) {
    background: ${(p) => getColor({ theme: p.theme, variable: 'background.primaryEmphasis', transparency: p.theme.opacity[100] })};
  }

  &:focus-visible {
    outline: ${(p) => p.theme.borderWidths.md} solid ${(p) => getColor({ theme: p.theme, variable: 'border.primaryEmphasis' })};
    outline-offset: -2px;
  }

  &[aria-disabled='true'] {
    cursor: not-allowed;
    color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.disabled' })};
  }
`;

const StyledName = styled.span`
  display: block;
  font-weight: ${(p) => p.theme.fontWeights.semibold};
  overflow-wrap: anywhere;
`;

const StyledMeta = styled.span`
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: ${(p) => p.theme.space.xxs};
  margin-top: ${(p) => p.theme.space.xxs};
`;

const StyledReason = styled(SM)`
  display: block;
  margin-top: ${(p) => p.theme.space.xxs};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const StyledSubtle = styled(SM)`
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const STATUS_HUES: Record<string, string> = { APPROVED: 'green', PAUSED: 'yellow', PENDING: 'grey', REJECTED: 'red', DISABLED: 'red' };

export function statusLabel({ t }: I18n, status: string): string {
  const key = `picker.status.${status.toUpperCase()}`;
  return ['APPROVED', 'PAUSED', 'PENDING', 'REJECTED', 'DISABLED'].includes(status.toUpperCase()) ? t(key as TranslationKey) : status;
}

export function categoryLabel({ t }: I18n, category: string): string {
  const upper = category.toUpperCase();
  return (CATEGORIES as readonly string[]).includes(upper) ? t(`picker.category.${upper}` as TranslationKey) : category;
}

/** Search, filters and the templates that match, each saying whether it can be sent and why not. */
export function TemplateList({ templates, shown, languages, filter, onFilterChange, onChoose, focusId }: ITemplateListProps) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (!focusId) return;
    const buttons = listRef.current?.querySelectorAll<HTMLElement>('[data-template-id]') ?? [];
    Array.from(buttons).find((button) => button.dataset.templateId === focusId)?.focus();
  }, [focusId]);

  const hasFilters = filter.query !== '' || filter.language !== null || filter.category !== null;

  return (
    <>
      <StyledFilters>
        <Field>
          <Field.Label>{t('picker.search')}</Field.Label>
          <Input type="search" value={filter.query} placeholder={t('picker.searchPlaceholder')} onChange={(event) => onFilterChange({ ...filter, query: event.target.value })} />
        </Field>
        <Field>
          <Field.Label>{t('picker.language')}</Field.Label>
          <Select value={filter.language ?? ''} onChange={(event) => onFilterChange({ ...filter, language: event.target.value || null })}>
            <option value="">{t('picker.allLanguages')}</option>
            {languages.map((code) => (
              <option key={code} value={code}>
                {languageLabel(code, locale)}
              </option>
            ))}
          </Select>
        </Field>
        <Field>
          <Field.Label>{t('picker.category')}</Field.Label>
          <Select value={filter.category ?? ''} onChange={(event) => onFilterChange({ ...filter, category: event.target.value || null })}>
            <option value="">{t('picker.allCategories')}</option>
            {CATEGORIES.map((category) => (
              <option key={category} value={category}>
                {categoryLabel(i18n, category)}
              </option>
            ))}
          </Select>
        </Field>
      </StyledFilters>

      <StyledSubtle tag="p" role="status" aria-live="polite">
        {t('picker.count', { shown: shown.length, total: templates.length })}
      </StyledSubtle>

      {shown.length === 0 ? (
        <>
          <StyledSubtle tag="p">{t('picker.noMatch')}</StyledSubtle>
          {hasFilters && (
            <Button size="small" onClick={() => onFilterChange({ query: '', language: null, category: null })}>
              {t('picker.clearFilters')}
            </Button>
          )}
        </>
      ) : (
        <StyledList ref={listRef} aria-label={t('picker.listLabel')}>
          {shown.map((template) => {
            const reason = blockedReason(template);
            const reasonId = `template-reason-${template.id}`;
            return (
              <li key={template.id}>
                <StyledChoice
                  type="button"
                  data-template-id={template.id}
                  aria-disabled={reason ? true : undefined}
                  aria-describedby={reason ? reasonId : undefined}
                  onClick={() => {
                    if (!reason) onChoose(template);
                  }}
                >
                  <StyledName>{template.name}</StyledName>
                  <StyledMeta>
                    <SM tag="span">{languageLabel(template.language, locale)}</SM>
                    <SM tag="span" aria-hidden>
                      ·
                    </SM>
                    <SM tag="span">{categoryLabel(i18n, template.category)}</SM>
                    <Tag size="small" hue={STATUS_HUES[template.status.toUpperCase()] ?? 'grey'}>
                      <span>{statusLabel(i18n, template.status)}</span>
                    </Tag>
                  </StyledMeta>
                  {reason && (
                    <StyledReason tag="span" id={reasonId}>
                      {t(reason, { reason: template.rejectedReason && template.rejectedReason !== 'NONE' ? template.rejectedReason : t('picker.reason.noDetail'), status: template.status, format: headerFormat(template) ?? '' })}
                    </StyledReason>
                  )}
                </StyledChoice>
              </li>
            );
          })}
        </StyledList>
      )}
    </>
  );
}
