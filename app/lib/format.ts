/** Durations and times in the agent's language. */
import type { I18n } from './i18n';
import { durationParts } from './window-clock';

/** `zh-cn` → `zh-CN`, the BCP 47 casing Intl expects. */
export function intlLocale(locale: string): string {
  const [language, region] = locale.split('-');
  return region ? `${language}-${region.toUpperCase()}` : language;
}

export function formatDuration(i18n: I18n, ms: number): string {
  const { days, hours, minutes, seconds } = durationParts(ms);
  if (days > 0) return i18n.t('duration.daysHours', { d: days, h: hours });
  if (hours > 0) return i18n.t('duration.hoursMinutes', { h: hours, m: minutes });
  return i18n.t('duration.minutesSeconds', { m: minutes, s: seconds });
}

/** The time alone when `date` is today, the date and time otherwise. */
export function formatMoment(i18n: I18n, date: Date, nowMs: number): string {
  const sameDay = new Date(nowMs).toDateString() === date.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(intlLocale(i18n.locale), options).format(date);
}
