/** The console page's calls to its server (`/api/…`): JSON in and out, errors as plain sentences. */

export class ApiError extends Error {}

export async function api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method: init?.method ?? (init?.body !== undefined ? 'POST' : 'GET'),
      headers: init?.body !== undefined ? { 'content-type': 'application/json' } : undefined,
      body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
  } catch {
    throw new ApiError('The console server does not answer: is `npm start` still running?');
  }
  const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) throw new ApiError(json?.error?.message ?? `The console server answered ${res.status}.`);
  return json as T;
}

// The chat's shape is the server's own (phone.ts); a type-only import, erased from the page's bundle.
export type { ChatEntry, Tick } from '../phone';

export interface Customer {
  waId: string;
  name: string;
  createdAt: number;
  ticketIds: number[];
  lastMessage: { at: number; preview: string } | null;
}

export interface TicketSummary {
  id: number;
  subject: string | null;
  status: string;
  requester: { id: number; name: string; phone: string | null };
  updatedAt: string;
  commentCount: number;
}

export interface TicketDetail extends Omit<TicketSummary, 'commentCount'> {
  tags: string[];
  requester: { id: number; name: string; phone: string | null; email: string | null; role: string };
  comments: {
    id: number;
    public: boolean;
    author: { id: number; name: string; role: string };
    body: string;
    createdAt: string;
    attachments: { id: number; fileName: string; contentType: string; size: number; url: string }[];
  }[];
}

export interface ClockView {
  now: string;
  offsetMs: number;
}

export interface SidebarInfo {
  state: 'building' | 'ready' | 'off' | 'failed';
  message?: string;
  appUrl: string;
  proxyUrl: string;
  settings: Record<string, string | number | boolean | null>;
}
