import { BUSINESS_SERVICES, BusinessServiceName } from './audit.events';
import { defineEvent, EventDefinition, JsonSchema } from './cloud-event';

/**
 * A message for users' notification inbox (e.g. a pool reminder: customers without follow-up).
 * Any business service publishes them on `<service>.notification.v1`; identity keeps the inboxes
 * and serves `GET /api/v1/notifications`. Integrators (messaging bots) may forward them too.
 */
export interface NotificationData {
  /** Stored once per id, whatever the redeliveries. */
  id: string;
  tenantId: string;
  service: BusinessServiceName;
  /** The users who receive it. */
  recipientIds: string[];
  /** Machine-readable kind, e.g. `pool.remind-no-follow-up`. */
  kind: string;
  title: string;
  body: string;
  /** What it is about, for a link in the frontend. */
  subject: { objectType: string; objectId: string } | null;
  at: string;
}

const schema: JsonSchema = {
  type: 'object',
  required: ['id', 'tenantId', 'service', 'recipientIds', 'kind', 'title', 'body', 'subject', 'at'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    tenantId: { type: 'string', format: 'uuid' },
    service: { enum: [...BUSINESS_SERVICES] },
    recipientIds: { type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 1 },
    kind: { type: 'string' },
    title: { type: 'string' },
    body: { type: 'string' },
    subject: {
      type: ['object', 'null'],
      required: ['objectType', 'objectId'],
      properties: { objectType: { type: 'string' }, objectId: { type: 'string', format: 'uuid' } },
      additionalProperties: false,
    },
    at: { type: 'string', format: 'date-time' },
  },
  additionalProperties: false,
};

function notificationEvent(service: BusinessServiceName): EventDefinition<NotificationData> {
  return defineEvent<NotificationData>({
    type: `crm.${service}.notification.requested`,
    version: 1,
    topic: `${service}.notification.v1`,
    source: `/crm/${service}`,
    description: `The ${service} service asks to put a message in some users' notification inboxes.`,
    schema,
    example: {
      id: '0190a6e2-7b3c-7d4e-8f00-000000000a00',
      tenantId: '0190a6e2-7b3c-7d4e-8f00-000000000001',
      service,
      recipientIds: ['0190a6e2-7b3c-7d4e-8f00-000000000002'],
      kind: 'pool.remind-no-follow-up',
      title: '3 customers without follow-up for 7 days',
      body: 'Customers KH-20250328-0001, KH-20250328-0002 and KH-20250328-0007 in pool 华东公海 have had no follow-up for 7 days.',
      subject: { objectType: 'customer-pool', objectId: '0190a6e2-7b3c-7d4e-8f00-000000000500' },
      at: '2025-04-04T01:00:00.000Z',
    },
  });
}

export const MarketingNotificationRequested = notificationEvent('marketing');
export const SalesNotificationRequested = notificationEvent('sales');
export const AfterSalesNotificationRequested = notificationEvent('after-sales');

export const NOTIFICATION_EVENTS = [MarketingNotificationRequested, SalesNotificationRequested, AfterSalesNotificationRequested];
