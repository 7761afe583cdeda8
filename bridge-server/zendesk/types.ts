/** The parts of Zendesk's REST objects the bridge reads. */
export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';

export interface ZendeskUser {
  id: number;
  name: string;
  external_id: string | null;
  phone?: string | null;
}

export interface ZendeskTicket {
  id: number;
  subject: string | null;
  status: TicketStatus;
  requester_id: number;
  tags: string[];
  external_id: string | null;
  updated_at: string;
  created_at: string;
}

export interface ZendeskAudit {
  id: number;
  ticket_id: number;
  created_at: string;
  metadata?: { custom?: Record<string, unknown> };
  events: { id: number; type: string }[];
}

export interface ZendeskJobStatus {
  id: string;
  status: 'queued' | 'working' | 'failed' | 'completed' | 'killed';
  total: number | null;
  progress: number | null;
  message?: string | null;
  results: { id?: number; index?: number; success?: boolean; status?: string; errors?: string; details?: string; error?: string }[] | null;
}

export interface CommentInput {
  html_body: string;
  public: boolean;
  author_id: number;
  uploads?: string[];
}

/** What the bridge writes into a ticket update or create as audit metadata, to recognise its own writes. */
export interface BridgeMetadata {
  whatsapp_bridge: { delivery: string };
}
