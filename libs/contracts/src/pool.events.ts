import { defineEvent, JsonSchema } from './cloud-event';

/** What moved a customer between an owner and a public pool (公海池). */
export const OWNERSHIP_ACTIONS = ['claim', 'assign', 'return', 'transfer', 'recycle'] as const;
export type OwnershipAction = (typeof OWNERSHIP_ACTIONS)[number];

/**
 * Marketing keeps the ownership ledger of customers: exactly one of an owner or a pool. Each
 * claim, assignment, return, transfer between pools or recycling announces the new state; sales
 * applies it to the customer and its contacts.
 */
export interface CustomerOwnerChangedData {
  customerId: string;
  tenantId: string;
  /** The new owner; null when the customer went (back) into a pool. */
  ownerId: string | null;
  /** The pool now holding the customer; null when someone owns it. */
  poolId: string | null;
  action: OwnershipAction;
  /** Who did it; null for the system (recycling by the rules). */
  actorId: string | null;
  at: string;
}

const nullableUuid = { type: ['string', 'null'], format: 'uuid' };

const ownerChangedSchema: JsonSchema = {
  type: 'object',
  required: ['customerId', 'tenantId', 'ownerId', 'poolId', 'action', 'actorId', 'at'],
  properties: {
    customerId: { type: 'string', format: 'uuid' },
    tenantId: { type: 'string', format: 'uuid' },
    ownerId: nullableUuid,
    poolId: nullableUuid,
    action: { enum: [...OWNERSHIP_ACTIONS] },
    actorId: nullableUuid,
    at: { type: 'string', format: 'date-time' },
  },
  additionalProperties: false,
};

export const CustomerOwnerChanged = defineEvent<CustomerOwnerChangedData>({
  type: 'crm.marketing.customer.owner-changed',
  version: 1,
  topic: 'marketing.customer-ownership.v1',
  source: '/crm/marketing',
  description:
    'A customer changed hands through a public pool: claimed or assigned (ownerId set, poolId null), returned, transferred or recycled (ownerId null, poolId set). Keyed by the customer id; sales applies it to the customer and its contacts.',
  schema: ownerChangedSchema,
  example: {
    customerId: '0190a6e2-7b3c-7d4e-8f00-000000000100',
    tenantId: '0190a6e2-7b3c-7d4e-8f00-000000000001',
    ownerId: '0190a6e2-7b3c-7d4e-8f00-000000000003',
    poolId: null,
    action: 'claim',
    actorId: '0190a6e2-7b3c-7d4e-8f00-000000000003',
    at: '2025-03-28T09:00:00.000Z',
  },
});

export const POOL_EVENTS = [CustomerOwnerChanged];
