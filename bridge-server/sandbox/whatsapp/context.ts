/**
 * What every route of the simulated WhatsApp Cloud API receives: state, clock, settings and
 * counters, passed in (never global), so several sandboxes can run side by side in one test.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { WhatsAppSandboxState } from './state';

export interface WhatsAppSandboxSettings {
  accessToken: string;
  appSecret: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  verifiedName: string;
  wabaId: string;
  apiVersion: string;
  mediaUrlTtlMs: number;
}

export interface WhatsAppSandboxStats {
  /** Every request that reached the sandbox. */
  requests: number;
  /** Requests refused for a missing or wrong bearer token. */
  unauthorized: number;
  /** GET /{version}/{media-id} answered with the media's info. */
  mediaInfo: number;
  /** Media files served through their download URL. */
  mediaDownloads: number;
  /** Requests affected by an injected fault. */
  faultsInjected: number;
}

export interface SandboxContext {
  state: WhatsAppSandboxState;
  clock: Clock;
  settings: WhatsAppSandboxSettings;
  stats: WhatsAppSandboxStats;
  /** Signature of a media download URL (id + expiry), so that URLs cannot be forged or extended. */
  signMediaUrl(mediaId: string, expiresAt: number): string;
  verifyMediaUrl(mediaId: string, expiresAt: number, signature: string): boolean;
}

export function urlSigner(key: Buffer): Pick<SandboxContext, 'signMediaUrl' | 'verifyMediaUrl'> {
  const sign = (mediaId: string, expiresAt: number) =>
    createHmac('sha256', key).update(`${mediaId}.${expiresAt}`).digest('base64url');
  return {
    signMediaUrl: sign,
    verifyMediaUrl(mediaId, expiresAt, signature) {
      const expected = Buffer.from(sign(mediaId, expiresAt));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
