/**
 * A small typed view of the ZAF client (https://developer.zendesk.com/api-reference/apps/apps-support-api/),
 * created once per iframe by `initZafClient`.
 */
import ZAFClient from 'zendesk_app_framework_sdk';

export interface ZafContext {
  location: string;
  ticketId?: number;
  instanceGuid?: string;
  account?: { subdomain: string };
}

export interface ZafMetadata {
  appId?: number;
  installationId?: number;
  /** Non-secure settings only: secure ones (the bridge key) are never sent to the browser. */
  settings: Record<string, unknown>;
}

export interface ZafRequestOptions {
  url: string;
  type?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  contentType?: string;
  data?: string;
  headers?: Record<string, string>;
  /** Fill `{{setting.…}}` placeholders server-side, in Zendesk's proxy. */
  secure?: boolean;
  cors?: boolean;
  httpCompleteResponse?: boolean;
  timeout?: number;
}

/** What `request` resolves with (and rejects with) when `httpCompleteResponse` is true. */
export interface ZafResponse {
  status: number;
  responseJSON?: unknown;
  responseText?: string;
  headers?: Record<string, string>;
}

export type ZafGetResult = Record<string, unknown> & { errors?: Record<string, unknown> };

export interface ZafClient {
  get(paths: string | string[]): Promise<ZafGetResult>;
  invoke(name: string, ...args: unknown[]): Promise<unknown>;
  on(event: string, handler: (...args: any[]) => void): void;
  off(event: string, handler: (...args: any[]) => void): void;
  context(): Promise<ZafContext>;
  metadata(): Promise<ZafMetadata>;
  request(options: ZafRequestOptions): Promise<ZafResponse>;
}

export class NotInZendeskError extends Error {
  constructor() {
    super('ZAFClient.init() returned false: the page was not opened by Zendesk (no origin and app_guid in its URL).');
    this.name = 'NotInZendeskError';
  }
}

/** Creates the ZAF client; throws `NotInZendeskError` when the page runs outside Zendesk. */
export function initZafClient(): ZafClient {
  const client = ZAFClient.init();
  if (!client) throw new NotInZendeskError();
  return client as ZafClient;
}

/** Reads one path with `client.get`, throwing the error Zendesk reports for it. */
export async function getOne<T>(client: ZafClient, path: string): Promise<T> {
  const result = await client.get(path);
  if (result.errors && path in result.errors) throw new Error(`ZAF could not read "${path}": ${JSON.stringify(result.errors[path])}`);
  return result[path] as T;
}
