import { BUSINESS_SERVICES, BusinessServiceName } from './audit.events';
import { defineEvent, EventDefinition, JsonSchema } from './cloud-event';

/**
 * Handover (离职交接): an administrator moves everything a leaving user owns to a receiver. Identity
 * announces the job; every business service transfers its own records in one transaction and
 * reports its counts; identity shows the job complete when all of them have.
 */
export interface HandoverRequestedData {
  id: string;
  tenantId: string;
  fromUserId: string;
  toUserId: string;
  /** The administrator who asked: the actor of every audit entry the transfer writes. */
  requestedBy: string;
  requestId: string | null;
  ip: string | null;
}

export interface HandoverPartCompletedData {
  handoverId: string;
  tenantId: string;
  service: BusinessServiceName;
  /** Records transferred, per business object (e.g. `{ customer: 120, contact: 300, "follow-up": 980 }`). */
  counts: Record<string, number>;
  completedAt: string;
}

const uuid = { type: 'string', format: 'uuid' };
const T = '0190a6e2-7b3c-7d4e-8f00-000000000001';
const H = '0190a6e2-7b3c-7d4e-8f00-000000000700';

export const HandoverRequested = defineEvent<HandoverRequestedData>({
  type: 'crm.identity.handover.requested',
  version: 1,
  topic: 'identity.handover.v1',
  source: '/crm/identity',
  description: 'An administrator asked to transfer every record a user owns, in every service, to another user.',
  schema: {
    type: 'object',
    required: ['id', 'tenantId', 'fromUserId', 'toUserId', 'requestedBy', 'requestId', 'ip'],
    properties: { id: uuid, tenantId: uuid, fromUserId: uuid, toUserId: uuid, requestedBy: uuid, requestId: { type: ['string', 'null'] }, ip: { type: ['string', 'null'] } },
    additionalProperties: false,
  },
  example: {
    id: H,
    tenantId: T,
    fromUserId: '0190a6e2-7b3c-7d4e-8f00-000000000003',
    toUserId: '0190a6e2-7b3c-7d4e-8f00-000000000004',
    requestedBy: '0190a6e2-7b3c-7d4e-8f00-000000000002',
    requestId: '5b0f7c1e-8a8e-4a53-9d43-3c1f4f4f2a10',
    ip: '203.0.113.7',
  },
});

const partSchema: JsonSchema = {
  type: 'object',
  required: ['handoverId', 'tenantId', 'service', 'counts', 'completedAt'],
  properties: {
    handoverId: uuid,
    tenantId: uuid,
    service: { enum: [...BUSINESS_SERVICES] },
    counts: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    completedAt: { type: 'string', format: 'date-time' },
  },
  additionalProperties: false,
};

function partCompleted(service: BusinessServiceName): EventDefinition<HandoverPartCompletedData> {
  return defineEvent<HandoverPartCompletedData>({
    type: `crm.${service}.handover-part.completed`,
    version: 1,
    topic: `${service}.handover.v1`,
    source: `/crm/${service}`,
    description: `The ${service} service transferred the leaving user's records for a handover (zero counts when there were none).`,
    schema: partSchema,
    example: { handoverId: H, tenantId: T, service, counts: service === 'sales' ? { customer: 120, contact: 300, 'follow-up': 980 } : {}, completedAt: '2025-03-28T10:00:01.000Z' },
  });
}

export const MarketingHandoverPartCompleted = partCompleted('marketing');
export const SalesHandoverPartCompleted = partCompleted('sales');
export const AfterSalesHandoverPartCompleted = partCompleted('after-sales');

export const HANDOVER_PART_EVENTS = [MarketingHandoverPartCompleted, SalesHandoverPartCompleted, AfterSalesHandoverPartCompleted];
export const HANDOVER_EVENTS = [HandoverRequested, ...HANDOVER_PART_EVENTS];
