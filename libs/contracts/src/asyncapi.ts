import { EventDefinition, envelopeSchema } from './cloud-event';
import { IDENTITY_EVENTS } from './identity.events';
import { SALES_EVENTS } from './sales.events';
import { POOL_EVENTS } from './pool.events';
import { AUDIT_EVENTS } from './audit.events';
import { HANDOVER_EVENTS } from './handover.events';
import { NOTIFICATION_EVENTS } from './notification.events';
import { LEAD_EVENTS } from './lead.events';

/** Every integration event the system publishes. */
export const ALL_EVENTS: EventDefinition[] = [...IDENTITY_EVENTS, ...SALES_EVENTS, ...LEAD_EVENTS, ...POOL_EVENTS, ...AUDIT_EVENTS, ...HANDOVER_EVENTS, ...NOTIFICATION_EVENTS];

const pascal = (type: string) =>
  type
    .split(/[.-]/)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');

/** AsyncAPI 3.0 for every topic and event: generated, so code and contract cannot disagree. */
export function buildAsyncApi(events: EventDefinition[] = ALL_EVENTS): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const byTopic = new Map<string, EventDefinition[]>();
  for (const e of events) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e]);

  for (const [topic, defs] of byTopic) {
    const channelId = topic.replace(/\./g, '-');
    channels[channelId] = {
      address: topic,
      description: `Kafka topic \`${topic}\`. Key: the aggregate id (the event's \`subject\`). Value: a CloudEvents 1.0 JSON envelope. Header \`traceparent\`: W3C trace context.`,
      messages: Object.fromEntries(defs.map((d) => [pascal(d.type), { $ref: `#/components/messages/${pascal(d.type)}` }])),
    };
    operations[`receive-${channelId}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${channelId}` },
      summary: `Events published on ${topic}`,
    };
    for (const d of defs) {
      messages[pascal(d.type)] = {
        name: d.type,
        title: d.type,
        summary: d.description,
        contentType: 'application/cloudevents+json',
        headers: {
          type: 'object',
          properties: { traceparent: { type: 'string', description: 'W3C trace context of the request that caused the event.' } },
        },
        payload: envelopeSchema(d),
        examples: [{ name: 'example', payload: { specversion: '1.0', type: d.type, source: d.source, data: d.example } }],
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'CRM integration events',
      version: '1.0.0',
      description:
        'Events every CRM service publishes through its transactional outbox. Topics are `<context>.<aggregate>.v<major>`; a breaking change adds a new major topic beside the old one. Consumers must be idempotent on the CloudEvent `id`.',
    },
    defaultContentType: 'application/cloudevents+json',
    channels,
    operations,
    components: { messages },
  };
}
