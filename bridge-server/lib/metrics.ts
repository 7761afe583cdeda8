/**
 * Prometheus metrics. One registry per bridge instance (tests run several in one process).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    webhooksReceived: new Counter({ name: 'bridge_webhooks_received_total', help: 'Signed webhooks accepted and stored', labelNames: ['source'], registers: [registry] }),
    webhooksRefused: new Counter({ name: 'bridge_webhooks_refused_total', help: 'Webhooks refused (bad or missing signature, bad request)', labelNames: ['source', 'reason'], registers: [registry] }),
    deadLetters: new Counter({ name: 'bridge_dead_letters_total', help: 'Signed webhook items kept in the dead-letter table because their shape is unknown or malformed', labelNames: ['source'], registers: [registry] }),
    inboundMessages: new Counter({ name: 'bridge_inbound_messages_total', help: 'Inbound WhatsApp messages by outcome (stored, duplicate, delivered, failed)', labelNames: ['outcome'], registers: [registry] }),
    messagesWaiting: new Gauge({ name: 'bridge_inbound_messages_waiting', help: 'Inbound messages stored and not yet written to Zendesk', registers: [registry] }),
    messagesFailed: new Gauge({ name: 'bridge_inbound_messages_dead_lettered', help: 'Inbound messages that failed permanently (see `npm run bridge -- failures`)', registers: [registry] }),
    zendeskRequests: new Counter({ name: 'bridge_zendesk_requests_total', help: 'Requests to Zendesk by kind and outcome (2xx, 4xx, 429, 5xx, network)', labelNames: ['kind', 'outcome'], registers: [registry] }),
    graphRequests: new Counter({ name: 'bridge_graph_requests_total', help: 'Requests to the WhatsApp Graph API by outcome', labelNames: ['kind', 'outcome'], registers: [registry] }),
    deliveryLatency: new Histogram({
      name: 'bridge_inbound_latency_seconds',
      help: 'From webhook receipt to the comment on the Zendesk ticket',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600],
      registers: [registry],
    }),
    statusEvents: new Counter({ name: 'bridge_status_events_total', help: 'WhatsApp delivery status events stored', labelNames: ['status'], registers: [registry] }),
    outboundMessages: new Counter({
      name: 'bridge_outbound_messages_total',
      help: 'Messages to WhatsApp by kind (reply, template, media) and outcome (accepted, retried, not_sent, in_doubt, resent_in_doubt)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    graphErrors: new Counter({ name: 'bridge_outbound_graph_errors_total', help: 'Graph API errors on outbound sends by Meta error code (none: no answer)', labelNames: ['code'], registers: [registry] }),
    outboundNotes: new Counter({ name: 'bridge_outbound_notes_total', help: 'Internal notes written on tickets about agent replies, by reason (window, failure, error, …)', labelNames: ['reason'], registers: [registry] }),
    outboundQueueDepth: new Gauge({ name: 'bridge_outbound_messages_waiting', help: 'Outbound messages queued or being sent', registers: [registry] }),
    outboundOldestPending: new Gauge({ name: 'bridge_outbound_oldest_waiting_seconds', help: 'Age of the oldest outbound message queued or being sent (0: none)', registers: [registry] }),
    outboundLatency: new Histogram({
      name: 'bridge_outbound_latency_seconds',
      help: 'From the Zendesk webhook receipt to the Graph API accepting the message',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600],
      registers: [registry],
    }),
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
