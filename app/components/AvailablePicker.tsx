/**
 * The template picker once the ticket has a WhatsApp customer: the list with search and filters,
 * then the form for the chosen template. Loaded as its own chunk (`TemplatePicker` imports it
 * lazily) with everything only it needs (Garden forms and dropdowns, zod, the preview), so the
 * window clock does not wait for that code.
 */
import { useMemo, useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import { Alert } from '@zendeskgarden/react-notifications';
import { SM } from '@zendeskgarden/react-typography';
import type { Contact } from '../lib/bridge-client';
import type { Template } from '../lib/bridge-templates';
import { filterTemplates, isSendable, languagesOf, type TemplateFilter } from '../lib/template-catalog';
import { defaultLanguage } from '../lib/template-language';
import { useI18n } from '../hooks/useI18n';
import { useTemplates } from '../hooks/useTemplates';
import { useTicketFacts } from '../hooks/useTicketFacts';
import { BridgeErrorNotice } from './BridgeErrorNotice';
import { TemplateForm } from './TemplateForm';
import { TemplateList } from './TemplateList';

export interface IAvailablePickerProps {
  ticketId: number;
  contact: Contact;
  onSent?: () => void;
}

const StyledLoading = styled.div`
  display: flex;
  align-items: center;
  gap: ${(p) => p.theme.space.xs};
`;

export default function AvailablePicker({ ticketId, contact, onSent }: IAvailablePickerProps) {
  const { t, locale } = useI18n();
  const facts = useTicketFacts();
  const { state, reload, sync, isSyncing } = useTemplates(locale, true);
  const [filter, setFilter] = useState<Omit<TemplateFilter, 'language'> & { language: string | null | undefined }>({ query: '', language: undefined, category: null });
  const [chosen, setChosen] = useState<Template | null>(null);
  const [returnedFrom, setReturnedFrom] = useState<string | null>(null);

  const templates = state.status === 'ready' ? state.list.templates : [];
  const languages = useMemo(() => languagesOf(templates), [templates]);
  // Until the agent picks a language: the customer's, else the agent's (null: all languages).
  const language = filter.language === undefined ? defaultLanguage(languages, [contact.language, facts.agentLocale ?? locale]) : filter.language;
  const { query, category } = filter;
  const effective: TemplateFilter = useMemo(() => ({ query, language, category }), [query, language, category]);
  const shown = useMemo(() => filterTemplates(templates, effective), [templates, effective]);

  if (state.status === 'loading') {
    return (
      <StyledLoading role="status" aria-live="polite">
        <Dots aria-hidden />
        <SM tag="span">{t('picker.loading')}</SM>
      </StyledLoading>
    );
  }
  if (state.status === 'error') return <BridgeErrorNotice error={state.error} onRetry={() => void reload()} />;

  const { list } = state;
  if (templates.length === 0) {
    return (
      <Alert type="info" role="status">
        <Alert.Title>{t('picker.empty.title')}</Alert.Title>
        <Alert.Paragraph>
          {!list.syncConfigured ? t('picker.empty.notConfigured') : list.lastSyncError ? t('picker.empty.syncError', { message: list.lastSyncError }) : t('picker.empty.body')}
        </Alert.Paragraph>
        {list.syncConfigured && (
          <Button size="small" onClick={() => void sync()} disabled={isSyncing}>
            {isSyncing ? t('picker.syncing') : t('picker.sync')}
          </Button>
        )}
      </Alert>
    );
  }

  if (chosen) {
    return (
      <TemplateForm
        key={chosen.id}
        template={chosen}
        ticketId={ticketId}
        contact={contact}
        facts={facts}
        onSent={() => onSent?.()}
        onBack={() => {
          setReturnedFrom(chosen.id);
          setChosen(null);
        }}
      />
    );
  }

  const noneSendable = !templates.some(isSendable);
  return (
    <>
      {noneSendable && (
        <Alert type="warning" role="note">
          <Alert.Title>{t('picker.noneSendable.title')}</Alert.Title>
          <Alert.Paragraph>{t('picker.noneSendable.body')}</Alert.Paragraph>
        </Alert>
      )}
      <TemplateList
        templates={templates}
        shown={shown}
        languages={languages}
        filter={effective}
        onFilterChange={setFilter}
        onChoose={setChosen}
        focusId={returnedFrom}
      />
    </>
  );
}
