import { defineEvent, JsonSchema } from './cloud-event';

/**
 * Leads (线索) live in marketing; converting one is a conversation between two contexts: marketing
 * asks (`crm.marketing.lead.conversion-requested`), sales creates the customer and contact and
 * answers (`crm.sales.lead-conversion.completed` or `.failed`), marketing links the lead. The
 * conversion id is the idempotency key on both sides.
 */

export const LEAD_STATUSES = ['new', 'following', 'converted', 'invalid'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** A lead's public fields, as stored after the change. */
export interface LeadData {
  id: string;
  tenantId: string;
  /** Numbering rule `XS-YYYYMMDD-0001`, unique in the tenant. */
  code: string;
  company: string;
  /** The person to reach. */
  name: string;
  phone: string | null;
  email: string | null;
  /** Plain text for now (sales owns the dictionaries). */
  source: string | null;
  region: string | null;
  industry: string | null;
  tags: string[];
  status: LeadStatus;
  /** Exactly one of owner and pool is set. */
  ownerId: string | null;
  poolId: string | null;
  remarks: string | null;
  /** Set once converted: the customer and contact sales created from it. */
  customerId: string | null;
  contactId: string | null;
  convertedAt: string | null;
  lastFollowUpAt: string | null;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** What sales needs to create the customer and its contact, as the converting user chose it. */
export interface LeadConversionRequestedData {
  conversionId: string;
  leadId: string;
  leadCode: string;
  tenantId: string;
  /** The converting user: owner of the new customer and contact, and the actor of their audit entries. */
  actor: { userId: string; requestId: string | null; ip: string | null };
  customer: {
    name: string;
    phone: string | null;
    email: string | null;
    source: string | null;
    region: string | null;
    industry: string | null;
    tags: string[];
    remarks: string | null;
  };
  contact: { name: string; title: string | null; phones: string[]; email: string | null };
  /** Asked for an opportunity placeholder too (sales has no opportunities yet: recorded, not created). */
  createOpportunity: boolean;
}

export interface LeadConversionCompletedData {
  conversionId: string;
  leadId: string;
  tenantId: string;
  customerId: string;
  contactId: string;
  opportunityId: string | null;
  /** Lead values sales could not keep as they were (e.g. a source that is no dictionary code), noted in the customer's remarks. */
  notes: string[];
}

export interface LeadConversionFailedData {
  conversionId: string;
  leadId: string;
  tenantId: string;
  code: string;
  reason: string;
}

const uuid = { type: 'string', format: 'uuid' };
const nullableUuid = { type: ['string', 'null'], format: 'uuid' };
const nullableText = { type: ['string', 'null'] };
const dateTime = { type: 'string', format: 'date-time' };
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' };
const texts = { type: 'array', items: { type: 'string' } };

const leadSchema: JsonSchema = {
  type: 'object',
  required: [
    'id', 'tenantId', 'code', 'company', 'name', 'phone', 'email', 'source', 'region', 'industry', 'tags', 'status', 'ownerId', 'poolId', 'remarks',
    'customerId', 'contactId', 'convertedAt', 'lastFollowUpAt', 'createdBy', 'updatedBy', 'createdAt', 'updatedAt', 'deletedAt',
  ],
  properties: {
    id: uuid,
    tenantId: uuid,
    code: { type: 'string', pattern: '^XS-\\d{8}-\\d{4,}$' },
    company: { type: 'string' },
    name: { type: 'string' },
    phone: nullableText,
    email: nullableText,
    source: nullableText,
    region: nullableText,
    industry: nullableText,
    tags: texts,
    status: { enum: [...LEAD_STATUSES] },
    ownerId: nullableUuid,
    poolId: nullableUuid,
    remarks: nullableText,
    customerId: nullableUuid,
    contactId: nullableUuid,
    convertedAt: nullableDateTime,
    lastFollowUpAt: nullableDateTime,
    createdBy: uuid,
    updatedBy: uuid,
    createdAt: dateTime,
    updatedAt: dateTime,
    deletedAt: nullableDateTime,
  },
  additionalProperties: false,
};

const T = '0190a6e2-7b3c-7d4e-8f00-000000000001';
const U = '0190a6e2-7b3c-7d4e-8f00-000000000003';
const L = '0190a6e2-7b3c-7d4e-8f00-000000000500';
const V = '0190a6e2-7b3c-7d4e-8f00-000000000510';
const lead: LeadData = {
  id: L,
  tenantId: T,
  code: 'XS-20250328-0001',
  company: 'Ningbo Haitian Plastics Co., Ltd.',
  name: 'Chen Jie',
  phone: '+86 574 8888 0000',
  email: 'chen.jie@haitian.example.com',
  source: 'exhibition',
  region: 'Zhejiang/Ningbo',
  industry: 'manufacturing',
  tags: ['trade-fair-2025'],
  status: 'new',
  ownerId: U,
  poolId: null,
  remarks: null,
  customerId: null,
  contactId: null,
  convertedAt: null,
  lastFollowUpAt: null,
  createdBy: U,
  updatedBy: U,
  createdAt: '2025-03-28T08:00:00.000Z',
  updatedAt: '2025-03-28T08:00:00.000Z',
  deletedAt: null,
};

const MARKETING = '/crm/marketing';
const SALES = '/crm/sales';

export const LeadCreated = defineEvent<LeadData>({
  type: 'crm.marketing.lead.created',
  version: 1,
  topic: 'marketing.lead.v1',
  source: MARKETING,
  description: 'A lead was created; its owner is the user who created it.',
  schema: leadSchema,
  example: lead,
});

export const LeadUpdated = defineEvent<LeadData>({
  type: 'crm.marketing.lead.updated',
  version: 1,
  topic: 'marketing.lead.v1',
  source: MARKETING,
  description: 'A lead\u2019s fields or status changed (a follow-up, an explicit transition, or its conversion completing); carries the whole lead as stored.',
  schema: leadSchema,
  example: { ...lead, status: 'following', updatedAt: '2025-03-28T10:00:00.000Z' },
});

export const LeadDeleted = defineEvent<LeadData>({
  type: 'crm.marketing.lead.deleted',
  version: 1,
  topic: 'marketing.lead.v1',
  source: MARKETING,
  description: 'A lead was deleted (soft delete).',
  schema: leadSchema,
  example: { ...lead, updatedAt: '2025-03-29T09:00:00.000Z', deletedAt: '2025-03-29T09:00:00.000Z' },
});

export const LeadConversionRequested = defineEvent<LeadConversionRequestedData>({
  type: 'crm.marketing.lead.conversion-requested',
  version: 1,
  topic: 'marketing.lead.v1',
  source: MARKETING,
  description:
    'A user asked to convert a lead into a customer and a contact. Sales creates them once per `conversionId` (a replayed or duplicated request creates nothing more) and answers on sales.lead-conversion.v1.',
  schema: {
    type: 'object',
    required: ['conversionId', 'leadId', 'leadCode', 'tenantId', 'actor', 'customer', 'contact', 'createOpportunity'],
    properties: {
      conversionId: uuid,
      leadId: uuid,
      leadCode: { type: 'string' },
      tenantId: uuid,
      actor: {
        type: 'object',
        required: ['userId', 'requestId', 'ip'],
        properties: { userId: uuid, requestId: nullableText, ip: nullableText },
        additionalProperties: false,
      },
      customer: {
        type: 'object',
        required: ['name', 'phone', 'email', 'source', 'region', 'industry', 'tags', 'remarks'],
        properties: { name: { type: 'string' }, phone: nullableText, email: nullableText, source: nullableText, region: nullableText, industry: nullableText, tags: texts, remarks: nullableText },
        additionalProperties: false,
      },
      contact: {
        type: 'object',
        required: ['name', 'title', 'phones', 'email'],
        properties: { name: { type: 'string' }, title: nullableText, phones: texts, email: nullableText },
        additionalProperties: false,
      },
      createOpportunity: { type: 'boolean' },
    },
    additionalProperties: false,
  },
  example: {
    conversionId: V,
    leadId: L,
    leadCode: lead.code,
    tenantId: T,
    actor: { userId: U, requestId: 'req-42', ip: '10.0.0.7' },
    customer: { name: lead.company, phone: lead.phone, email: lead.email, source: 'exhibition', region: lead.region, industry: 'manufacturing', tags: lead.tags, remarks: null },
    contact: { name: lead.name, title: 'Purchasing manager', phones: [lead.phone!], email: lead.email },
    createOpportunity: false,
  },
});

export const LeadConversionCompleted = defineEvent<LeadConversionCompletedData>({
  type: 'crm.sales.lead-conversion.completed',
  version: 1,
  topic: 'sales.lead-conversion.v1',
  source: SALES,
  description: 'Sales created the customer and contact of a lead conversion (once per conversion id); marketing links the lead to them.',
  schema: {
    type: 'object',
    required: ['conversionId', 'leadId', 'tenantId', 'customerId', 'contactId', 'opportunityId', 'notes'],
    properties: { conversionId: uuid, leadId: uuid, tenantId: uuid, customerId: uuid, contactId: uuid, opportunityId: nullableUuid, notes: texts },
    additionalProperties: false,
  },
  example: {
    conversionId: V,
    leadId: L,
    tenantId: T,
    customerId: '0190a6e2-7b3c-7d4e-8f00-000000000100',
    contactId: '0190a6e2-7b3c-7d4e-8f00-000000000200',
    opportunityId: null,
    notes: [],
  },
});

export const LeadConversionFailed = defineEvent<LeadConversionFailedData>({
  type: 'crm.sales.lead-conversion.failed',
  version: 1,
  topic: 'sales.lead-conversion.v1',
  source: SALES,
  description: 'Sales could not create the records of a lead conversion (nothing was created); marketing shows the reason and the lead may be converted again.',
  schema: {
    type: 'object',
    required: ['conversionId', 'leadId', 'tenantId', 'code', 'reason'],
    properties: { conversionId: uuid, leadId: uuid, tenantId: uuid, code: { type: 'string' }, reason: { type: 'string' } },
    additionalProperties: false,
  },
  example: { conversionId: V, leadId: L, tenantId: T, code: 'REQUEST.INVALID', reason: 'name: must be shorter than or equal to 200 characters' },
});

export const LEAD_EVENTS = [LeadCreated, LeadUpdated, LeadDeleted, LeadConversionRequested, LeadConversionCompleted, LeadConversionFailed];
