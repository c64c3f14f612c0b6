import { defineEvent, EventDefinition, JsonSchema } from './cloud-event';

/**
 * The operation log (操作日志): who changed which business record, when, from where, and how.
 * Every business service writes an entry in the same transaction as the change and publishes it
 * on its own audit topic; identity stores them all and serves `GET /api/v1/audit-logs`.
 */
export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'restore', 'handover', 'owner-change', 'share', 'unshare', 'purge'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The services that own business records: each publishes its audit entries on `<service>.audit.v1` and takes part in handovers. */
export const BUSINESS_SERVICES = ['marketing', 'sales', 'after-sales'] as const;
export type BusinessServiceName = (typeof BUSINESS_SERVICES)[number];

/** One changed field: its value before and after (null for a field that did not exist, e.g. on create). */
export interface AuditChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface AuditEntryData {
  /** The entry's own id: it is stored once, whatever the redeliveries. The event's subject (and Kafka key) is `objectId`, so one record's entries stay in order. */
  id: string;
  tenantId: string;
  service: BusinessServiceName;
  /** The business object, e.g. `customer`, `contact`, `follow-up`. */
  objectType: string;
  objectId: string;
  action: AuditAction;
  /** The user who made the change; null for the system (e.g. retention purge). */
  actorId: string | null;
  at: string;
  /** `x-request-id` of the request that made the change, when there was one. */
  requestId: string | null;
  /** The client address as the gateway saw it. */
  ip: string | null;
  changes: AuditChange[];
}

const schema: JsonSchema = {
  type: 'object',
  required: ['id', 'tenantId', 'service', 'objectType', 'objectId', 'action', 'actorId', 'at', 'requestId', 'ip', 'changes'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    tenantId: { type: 'string', format: 'uuid' },
    service: { enum: [...BUSINESS_SERVICES] },
    objectType: { type: 'string' },
    objectId: { type: 'string', format: 'uuid' },
    action: { enum: [...AUDIT_ACTIONS] },
    actorId: { type: ['string', 'null'], format: 'uuid' },
    at: { type: 'string', format: 'date-time' },
    requestId: { type: ['string', 'null'] },
    ip: { type: ['string', 'null'] },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'before', 'after'],
        properties: { field: { type: 'string' }, before: {}, after: {} },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

function auditEvent(service: BusinessServiceName): EventDefinition<AuditEntryData> {
  return defineEvent<AuditEntryData>({
    type: `crm.${service}.audit-entry.recorded`,
    version: 1,
    topic: `${service}.audit.v1`,
    source: `/crm/${service}`,
    description: `A business record of the ${service} service was created, changed, deleted, restored, shared or handed over. One entry per change, written in the change's transaction.`,
    schema,
    example: {
      id: '0190a6e2-7b3c-7d4e-8f00-000000000900',
      tenantId: '0190a6e2-7b3c-7d4e-8f00-000000000001',
      service,
      objectType: 'customer',
      objectId: '0190a6e2-7b3c-7d4e-8f00-000000000100',
      action: 'update',
      actorId: '0190a6e2-7b3c-7d4e-8f00-000000000003',
      at: '2025-03-28T10:00:00.000Z',
      requestId: '5b0f7c1e-8a8e-4a53-9d43-3c1f4f4f2a10',
      ip: '203.0.113.7',
      changes: [{ field: 'level', before: 'A', after: 'B' }],
    },
  });
}

export const MarketingAuditEntryRecorded = auditEvent('marketing');
export const SalesAuditEntryRecorded = auditEvent('sales');
export const AfterSalesAuditEntryRecorded = auditEvent('after-sales');

export const AUDIT_EVENTS = [MarketingAuditEntryRecorded, SalesAuditEntryRecorded, AfterSalesAuditEntryRecorded];
