/**
 * Identities of the simulated WhatsApp Business number. The sandbox, the simulated customer
 * phone and the `npm start` demo share them, so a fixture built with the defaults is addressed
 * to the number the sandbox serves.
 */
export const SANDBOX_ACCESS_TOKEN = 'sandbox-whatsapp-token';
export const SANDBOX_APP_SECRET = 'sandbox-app-secret';
export const SANDBOX_PHONE_NUMBER_ID = '100000000000001';
export const SANDBOX_DISPLAY_PHONE_NUMBER = '15550100001';
export const SANDBOX_VERIFIED_NAME = 'WhatsApp for Zendesk Sandbox';
export const SANDBOX_WABA_ID = '200000000000001';
export const SANDBOX_API_VERSION = 'v23.0';
/** Meta: a media URL is valid for about 5 minutes. */
export const SANDBOX_MEDIA_URL_TTL_MS = 5 * 60 * 1000;
/** Meta: inbound media ids live 7 days. */
export const MEDIA_ID_TTL_MS = 7 * 24 * 60 * 60 * 1000;
