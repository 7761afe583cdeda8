/**
 * The 24-hour customer service window, as the clock shows it now. The bridge sends the
 * customer's last message time and the expiry; the app recomputes the state every second so it
 * changes without reloads, using the bridge's clock (`now` in the answer) to correct the
 * browser's. https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
 */
import type { ConversationWindow, WindowState } from './bridge-client';

export const WINDOW_MS = 24 * 60 * 60 * 1000;

export interface WindowView {
  state: WindowState;
  /** Milliseconds until the window closes (0 when closed). */
  msLeft: number;
  expiresAt: Date | null;
  /** False when the customer never wrote: only a template can open the conversation. */
  hasCustomerMessage: boolean;
}

export function computeWindow(window: ConversationWindow, nowMs: number, closingSoonMinutes: number): WindowView {
  const last = window.lastCustomerMessageAt ? Date.parse(window.lastCustomerMessageAt) : NaN;
  if (Number.isNaN(last)) return { state: 'closed', msLeft: 0, expiresAt: null, hasCustomerMessage: false };
  const expires = window.expiresAt ? Date.parse(window.expiresAt) : last + WINDOW_MS;
  const msLeft = Math.max(0, expires - nowMs);
  const state: WindowState = msLeft <= 0 ? 'closed' : msLeft < closingSoonMinutes * 60_000 ? 'closing' : 'open';
  return { state, msLeft, expiresAt: new Date(expires), hasCustomerMessage: true };
}

export interface DurationParts { days: number; hours: number; minutes: number; seconds: number }

export function durationParts(ms: number): DurationParts {
  const total = Math.max(0, Math.floor(ms / 1000));
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}
