import { useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Fieldset, Input } from '@zendeskgarden/react-forms';
import type { LocationValue, MediaValue, TemplateValue, TemplateVariable } from '../lib/bridge-templates';
import type { I18n } from '../lib/i18n';
import { useI18n } from '../hooks/useI18n';

export interface ISuggestion {
  value: string;
  /** What the value is: "requester name", "ticket ID"… */
  source: string;
}

export interface IVariableFieldProps {
  variable: TemplateVariable;
  value: TemplateValue | undefined;
  /** The bridge's message for this field, shown only once the agent has touched it. */
  error: string | null;
  suggestions: ISuggestion[];
  isDisabled: boolean;
  onChange: (value: TemplateValue) => void;
  onTouch: () => void;
}

const StyledField = styled.div`
  margin-bottom: ${(p) => p.theme.space.sm};
`;

const StyledSuggestions = styled.div`
  display: flex;
  flex-wrap: wrap;
  gap: ${(p) => p.theme.space.xxs};
  margin-top: ${(p) => p.theme.space.xxs};
`;

/** The label an agent reads for a variable: "{{1}} in the message", "Link of “Track order”"… */
export function variableLabel({ t }: I18n, variable: TemplateVariable): string {
  const placeholder = `{{${variable.name ?? variable.position}}}`;
  if (variable.key === 'header.media') return t(`variable.media.${variable.kind === 'video' ? 'video' : variable.kind === 'image' ? 'image' : 'document'}`);
  if (variable.where === 'button') {
    const button = variable.button?.text ?? '';
    return variable.kind === 'coupon_code' ? t('variable.buttonCode', { button }) : t('variable.buttonUrl', { button });
  }
  return t(variable.where === 'header' ? 'variable.header' : 'variable.body', { variable: placeholder });
}

function mediaOf(value: TemplateValue | undefined): MediaValue {
  return typeof value === 'object' && value !== null && !('latitude' in value) ? value : {};
}

const StyledPair = styled.div`
  display: grid;
  grid-template-columns: 1fr 1fr;
  align-items: end;
  gap: ${(p) => p.theme.space.xs};
`;

/**
 * A LOCATION header: latitude and longitude (kept as typed, so "45." is not lost), name and
 * address. The value becomes `{latitude, longitude, name?, address?}`; while a coordinate is not
 * a number it is NaN, which the form does not send (the bridge then says a place is needed).
 */
function LocationField({ error, isDisabled, onChange, onTouch }: Pick<IVariableFieldProps, 'error' | 'isDisabled' | 'onChange' | 'onTouch'>) {
  const { t } = useI18n();
  const [draft, setDraft] = useState({ latitude: '', longitude: '', name: '', address: '' });
  const update = (patch: Partial<typeof draft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    const number = (text: string) => (text.trim() === '' ? NaN : Number(text.replace(',', '.')));
    const value: LocationValue = { latitude: number(next.latitude), longitude: number(next.longitude) };
    if (next.name.trim()) value.name = next.name.trim();
    if (next.address.trim()) value.address = next.address.trim();
    onChange(value);
  };
  const validation = error ? 'error' : undefined;
  return (
    <StyledField>
      <Fieldset>
        <Fieldset.Legend>{t('variable.location.legend')}</Fieldset.Legend>
        <StyledPair>
          <Field>
            <Field.Label isRegular>{t('variable.location.latitude')}</Field.Label>
            <Field.Hint>{t('variable.location.hint')}</Field.Hint>
            <Input inputMode="decimal" value={draft.latitude} validation={validation} disabled={isDisabled} onChange={(e) => update({ latitude: e.target.value })} onBlur={onTouch} />
            {error && <Field.Message validation="error">{error}</Field.Message>}
          </Field>
          <Field>
            <Field.Label isRegular>{t('variable.location.longitude')}</Field.Label>
            <Input inputMode="decimal" value={draft.longitude} validation={validation} disabled={isDisabled} onChange={(e) => update({ longitude: e.target.value })} onBlur={onTouch} />
          </Field>
        </StyledPair>
        <Field>
          <Field.Label isRegular>{t('variable.location.name')}</Field.Label>
          <Input value={draft.name} disabled={isDisabled} dir="auto" onChange={(e) => update({ name: e.target.value })} onBlur={onTouch} />
        </Field>
        <Field>
          <Field.Label isRegular>{t('variable.location.address')}</Field.Label>
          <Input value={draft.address} disabled={isDisabled} dir="auto" onChange={(e) => update({ address: e.target.value })} onBlur={onTouch} />
        </Field>
      </Fieldset>
    </StyledField>
  );
}

/** One template variable as a labelled input, with one-click values from the ticket. */
export function VariableField({ variable, value, error, suggestions, isDisabled, onChange, onTouch }: IVariableFieldProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const label = variableLabel(i18n, variable);
  const validation = error ? 'error' : undefined;

  if (variable.kind === 'location') return <LocationField error={error} isDisabled={isDisabled} onChange={onChange} onTouch={onTouch} />;

  if (variable.key === 'header.media') {
    const media = mediaOf(value);
    const update = (patch: Partial<MediaValue>) => {
      const next: MediaValue = { ...media, ...patch };
      if (!next.filename) delete next.filename;
      onChange(next);
    };
    return (
      <StyledField>
        <Field>
          <Field.Label>{label}</Field.Label>
          <Field.Hint>{t('variable.media.hint')}</Field.Hint>
          <Input
            type="url"
            inputMode="url"
            value={media.link ?? ''}
            placeholder="https://"
            validation={validation}
            disabled={isDisabled}
            onChange={(event) => update({ link: event.target.value })}
            onBlur={onTouch}
          />
          {error && <Field.Message validation="error">{error}</Field.Message>}
        </Field>
        {variable.kind === 'document' && (
          <Field>
            <Field.Label isRegular>{t('variable.media.filename')}</Field.Label>
            <Input value={media.filename ?? ''} disabled={isDisabled} onChange={(event) => update({ filename: event.target.value })} onBlur={onTouch} />
          </Field>
        )}
      </StyledField>
    );
  }

  const text = typeof value === 'string' ? value : '';
  return (
    <StyledField>
      <Field>
        <Field.Label>{label}</Field.Label>
        {variable.example && <Field.Hint>{t('variable.example', { example: variable.example })}</Field.Hint>}
        <Input value={text} validation={validation} disabled={isDisabled} onChange={(event) => onChange(event.target.value)} onBlur={onTouch} dir="auto" />
        {error && <Field.Message validation="error">{error}</Field.Message>}
      </Field>
      {suggestions.length > 0 && !isDisabled && (
        <StyledSuggestions role="group" aria-label={t('variable.suggestions', { label })}>
          {suggestions.map((suggestion) => (
            <Button
              key={`${suggestion.source}:${suggestion.value}`}
              size="small"
              isPill
              aria-label={t('variable.fill', { label, value: suggestion.value, source: suggestion.source })}
              onClick={() => {
                onChange(suggestion.value);
                onTouch();
              }}
            >
              {suggestion.value}
            </Button>
          ))}
        </StyledSuggestions>
      )}
    </StyledField>
  );
}
