import { useEffect, useMemo, useRef, useState } from 'react';
import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { Button } from '@zendeskgarden/react-buttons';
import { Alert } from '@zendeskgarden/react-notifications';
import { MD, SM } from '@zendeskgarden/react-typography';
import { toBridgeError, type BridgeError, type Contact, type FieldError } from '../lib/bridge-client';
import type { Template, TemplateSendResult, TemplateValue, TemplateValues } from '../lib/bridge-templates';
import { describeSendError } from '../lib/send-error';
import { outcomeOfAnswer, outcomeOfError, type SendOutcome } from '../lib/send-outcome';
import { languageLabel } from '../lib/template-language';
import { renderTemplateLocally } from '../lib/template-render';
import { newIdempotencyKey } from '../lib/idempotency-key';
import { useBridge } from '../hooks/useBridge';
import { useI18n } from '../hooks/useI18n';
import { useTemplatePreview } from '../hooks/useTemplatePreview';
import type { TicketFacts } from '../hooks/useTicketFacts';
import { BridgeErrorNotice } from './BridgeErrorNotice';
import { SendConfirmation } from './SendConfirmation';
import { TemplatePreview } from './TemplatePreview';
import { VariableField, type ISuggestion } from './VariableField';

export interface ITemplateFormProps {
  template: Template;
  ticketId: number;
  contact: Contact;
  facts: TicketFacts;
  onBack: () => void;
  /** After any answer that may have changed the delivery list (sent, unknown, failed): it reads the conversation again. */
  onSent: () => void;
}

/** `uncertain`: the bridge does not know whether it reached the customer; no new send is offered. */
type Phase = 'edit' | 'confirm' | 'sending' | 'sent' | 'uncertain' | 'failed';

const StyledTitle = styled.div`
  display: flex;
  align-items: baseline;
  justify-content: space-between;
  gap: ${(p) => p.theme.space.xs};
  margin: ${(p) => p.theme.space.xs} 0 ${(p) => p.theme.space.sm};
`;

const StyledSubtle = styled(SM)`
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const StyledBlock = styled.div`
  margin-top: ${(p) => p.theme.space.sm};
`;

function initialValues(template: Template): TemplateValues {
  return Object.fromEntries(template.variables.filter((v) => v.kind !== 'image' && v.kind !== 'video' && v.kind !== 'document' && v.kind !== 'location').map((v) => [v.key, '']));
}

/** The values as the bridge takes them: every text value (empty ones too, so it names them), a file or place only when given. */
function valuesToSend(values: TemplateValues): TemplateValues {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => {
      if (typeof value === 'string') return true;
      if ('latitude' in value) return Number.isFinite(value.latitude) && Number.isFinite(value.longitude);
      return Boolean(value.link || value.id);
    }),
  );
}

function suggestionsFor(facts: TicketFacts, ticketId: number, contact: Contact, t: ReturnType<typeof useI18n>['t']): ISuggestion[] {
  const list: ISuggestion[] = [];
  const add = (value: string | null | undefined, source: string) => {
    const trimmed = value?.trim();
    if (trimmed && !list.some((s) => s.value === trimmed)) list.push({ value: trimmed, source });
  };
  const requester = facts.requesterName ?? contact.name;
  add(requester, t('suggestion.requesterName'));
  add(requester?.split(/\s+/)[0], t('suggestion.requesterFirstName'));
  add(String(ticketId), t('suggestion.ticketId'));
  add(facts.agentName, t('suggestion.agentName'));
  return list;
}

/**
 * A chosen template: its variables as inputs, the live WhatsApp preview, the bridge's checks
 * next to the right inputs, the confirmation and the result.
 */
export function TemplateForm({ template, ticketId, contact, facts, onBack, onSent }: ITemplateFormProps) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const bridge = useBridge();
  const [values, setValues] = useState<TemplateValues>(() => initialValues(template));
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [isShowingAll, setIsShowingAll] = useState(false);
  const [phase, setPhase] = useState<Phase>('edit');
  const [sendError, setSendError] = useState<BridgeError | null>(null);
  const [sendFields, setSendFields] = useState<FieldError[] | null>(null);
  const [result, setResult] = useState<TemplateSendResult | null>(null);
  const [focusTarget, setFocusTarget] = useState<'invalid' | 'result' | 'review' | null>(null);
  const idempotencyKey = useRef<string | null>(null);
  const formRef = useRef<HTMLDivElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const reviewRef = useRef<HTMLButtonElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const sendable = useMemo(() => valuesToSend(values), [values]);
  const { validation, checkNow } = useTemplatePreview(template.name, template.language, sendable, locale);
  const rendered = useMemo(() => renderTemplateLocally(template, values), [template, values]);
  const suggestions = useMemo(() => suggestionsFor(facts, ticketId, contact, t), [facts, ticketId, contact, t]);
  const variableKeys = useMemo(() => new Set(template.variables.map((v) => v.key)), [template]);

  useEffect(() => headingRef.current?.focus(), []);
  useEffect(() => {
    if (focusTarget === 'invalid') formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    if (focusTarget === 'result') resultRef.current?.focus();
    if (focusTarget === 'review') reviewRef.current?.focus();
    if (focusTarget) setFocusTarget(null);
  }, [focusTarget]);

  // Errors from a refused send hold until the agent changes a value; then the live check speaks.
  const fieldErrors: FieldError[] = sendFields ?? (validation.status === 'checked' ? validation.errors : []);
  const errorFor = (key: string) => (isShowingAll || touched.has(key) ? fieldErrors.find((e) => e.field === key)?.message ?? null : null);
  const generalErrors = fieldErrors.filter((e) => !variableKeys.has(e.field));
  const isLocked = phase === 'sending' || phase === 'sent' || phase === 'uncertain';

  const change = (key: string, value: TemplateValue) => {
    setValues((current) => ({ ...current, [key]: value }));
    setSendFields(null);
    if (phase === 'failed') setPhase('edit');
  };
  const touch = (key: string) => setTouched((current) => (current.has(key) ? current : new Set(current).add(key)));

  const review = async () => {
    setIsShowingAll(true);
    setSendError(null);
    const checked = await checkNow();
    if (checked.status === 'checked' && checked.valid) {
      setPhase('confirm');
    } else if (checked.status === 'checked') {
      setFocusTarget('invalid');
    }
  };

  const send = async () => {
    idempotencyKey.current ??= newIdempotencyKey();
    setPhase('sending');
    setSendError(null);
    let outcome: SendOutcome;
    try {
      const answer = await bridge.sendTemplate(ticketId, { name: template.name, language: template.language, values: sendable, idempotencyKey: idempotencyKey.current, ...(facts.agentId ? { agentId: facts.agentId } : {}) }, locale);
      outcome = outcomeOfAnswer(answer);
    } catch (failure) {
      outcome = outcomeOfError(toBridgeError(failure));
    }
    if (outcome.kind === 'sent') {
      idempotencyKey.current = null;
      setResult(outcome.result);
      setPhase('sent');
      onSent();
    } else if (outcome.kind === 'uncertain') {
      // It may have reached the customer: never a new send from here; its delivery state tells.
      idempotencyKey.current = null;
      setPhase('uncertain');
      onSent();
    } else {
      const { error } = outcome;
      const described = describeSendError(i18n, error);
      // Same key again only when the bridge never handled the request: never a second message.
      if (!described.isRetryable) idempotencyKey.current = null;
      if (error.fields.length > 0) {
        setSendFields(error.fields);
        setIsShowingAll(true);
      }
      setSendError(error);
      setPhase('failed');
      // The bridge answered: a send it recorded as failed shows its reason under Recent messages.
      if (error.kind === 'server' && error.fields.length === 0) onSent();
    }
    setFocusTarget('result');
  };

  const recipient = contact.name ? `${contact.name} (${contact.display})` : contact.display;
  const language = languageLabel(template.language, locale);
  const previewProblem = validation.status === 'error' && phase === 'edit' && isShowingAll ? validation.error : null;
  const failure = sendError ? describeSendError(i18n, sendError) : null;

  return (
    <div ref={formRef}>
      <Button isLink size="small" onClick={onBack} disabled={phase === 'sending'}>
        {t('form.back')}
      </Button>
      <StyledTitle>
        <MD isBold tag="h3" ref={headingRef} tabIndex={-1} id="template-form-title">
          {template.name}
        </MD>
        <StyledSubtle tag="span">{language}</StyledSubtle>
      </StyledTitle>

      {template.variables.length === 0 && <StyledSubtle tag="p">{t('form.noVariables')}</StyledSubtle>}
      {template.variables.map((variable) => (
        <VariableField
          key={variable.key}
          variable={variable}
          value={values[variable.key]}
          error={errorFor(variable.key)}
          suggestions={variable.kind === 'text' || variable.kind === 'coupon_code' ? suggestions : []}
          isDisabled={isLocked}
          onChange={(value) => change(variable.key, value)}
          onTouch={() => touch(variable.key)}
        />
      ))}

      <StyledBlock>
        <TemplatePreview rendered={rendered} />
      </StyledBlock>

      {generalErrors.length > 0 && (
        <StyledBlock>
          <Alert type="warning" role="note">
            {generalErrors.map((error) => (
              <Alert.Paragraph key={`${error.field}:${error.code}`}>{error.message}</Alert.Paragraph>
            ))}
          </Alert>
        </StyledBlock>
      )}
      {previewProblem && (
        <StyledBlock>
          <SM isBold tag="p">
            {t('form.checkFailed.title')}
          </SM>
          <BridgeErrorNotice error={previewProblem} onRetry={() => void checkNow()} />
        </StyledBlock>
      )}

      {(phase === 'edit' || phase === 'failed') && (
        <StyledBlock>
          <Button ref={reviewRef} isPrimary isStretched onClick={() => void review()}>
            {t('form.review')}
          </Button>
        </StyledBlock>
      )}
      {(phase === 'confirm' || phase === 'sending') && (
        <SendConfirmation
          question={t('confirm.question', { name: template.name, language, recipient })}
          isSending={phase === 'sending'}
          onConfirm={() => void send()}
          onCancel={() => {
            setPhase('edit');
            setFocusTarget('review');
          }}
        />
      )}

      <StyledBlock ref={resultRef} tabIndex={-1} aria-live="polite" aria-atomic="true">
        {phase === 'sent' && result && (
          <Alert type="success" role="status">
            <Alert.Title>{t('result.sent.title')}</Alert.Title>
            <Alert.Paragraph>{t(result.replayed ? 'result.replayed' : 'result.sent', { name: template.name, recipient })}</Alert.Paragraph>
            {result.ticketComment === 'failed' && <Alert.Paragraph>{t('result.commentFailed')}</Alert.Paragraph>}
            {result.ticketComment === 'pending' && <Alert.Paragraph>{t('result.commentPending')}</Alert.Paragraph>}
            <Button size="small" onClick={onBack}>
              {t('result.another')}
            </Button>
          </Alert>
        )}
        {phase === 'uncertain' && (
          <Alert type="warning" role="status">
            <Alert.Title>{t('result.uncertain.title')}</Alert.Title>
            <Alert.Paragraph>{t('result.uncertain.body', { name: template.name, recipient })}</Alert.Paragraph>
            <Button size="small" onClick={onBack}>
              {t('result.another')}
            </Button>
          </Alert>
        )}
        {phase === 'failed' && failure && (
          <Alert type="error" role="alert">
            <Alert.Title>{failure.title}</Alert.Title>
            <Alert.Paragraph>{failure.body}</Alert.Paragraph>
            {failure.isRetryable && (
              <Button size="small" onClick={() => void send()}>
                {t('app.retry')}
              </Button>
            )}
          </Alert>
        )}
      </StyledBlock>
    </div>
  );
}
