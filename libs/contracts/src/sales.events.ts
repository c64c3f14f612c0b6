import { defineEvent, JsonSchema } from './cloud-event';

const SOURCE = '/crm/sales';
const uuid = { type: 'string', format: 'uuid' };
const nullableText = { type: ['string', 'null'] };
const dateTime = { type: 'string', format: 'date-time' };

/** A customer's public fields, as stored after the change. */
export interface CustomerData {
  id: string;
  tenantId: string;
  /** Numbering rule `KH-YYYYMMDD-0001`, unique in the tenant. */
  code: string;
  name: string;
  shortName: string | null;
  type: string | null;
  source: string | null;
  industry: string | null;
  level: string | null;
  region: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  unifiedSocialCreditCode: string | null;
  /** Null while the customer sits in a public pool (marketing's ownership ledger decides; see pool.events). */
  ownerId: string | null;
  /** The public pool (公海池) holding the customer while it has no owner; null when someone owns it. */
  poolId: string | null;
  tags: string[];
  remarks: string | null;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  /** Set while the customer is in the recycle bin. */
  deletedAt: string | null;
}

/** A contact person of a customer; its owner is always the customer's owner. */
export interface ContactData {
  id: string;
  tenantId: string;
  customerId: string;
  /** Null while its customer sits in a public pool. */
  ownerId: string | null;
  name: string;
  title: string | null;
  phones: string[];
  email: string | null;
  decisionRole: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** A follow-up (跟进记录) on a customer: its author owns it. */
export interface FollowUpData {
  id: string;
  tenantId: string;
  customerId: string;
  contactId: string | null;
  ownerId: string;
  type: 'call' | 'visit' | 'message' | 'meeting';
  content: string;
  time: string;
  nextFollowUpAt: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

const customerSchema: JsonSchema = {
  type: 'object',
  required: [
    'id', 'tenantId', 'code', 'name', 'shortName', 'type', 'source', 'industry', 'level', 'region', 'address', 'phone', 'email', 'website',
    'unifiedSocialCreditCode', 'ownerId', 'tags', 'remarks', 'createdBy', 'updatedBy', 'createdAt', 'updatedAt', 'deletedAt',
  ],
  properties: {
    id: uuid,
    tenantId: uuid,
    code: { type: 'string', pattern: '^KH-\\d{8}-\\d{4,}$' },
    name: { type: 'string' },
    shortName: nullableText,
    type: nullableText,
    source: nullableText,
    industry: nullableText,
    level: nullableText,
    region: nullableText,
    address: nullableText,
    phone: nullableText,
    email: nullableText,
    website: nullableText,
    unifiedSocialCreditCode: nullableText,
    ownerId: { type: ['string', 'null'], format: 'uuid', description: 'Null while the customer sits in a public pool.' },
    poolId: { type: ['string', 'null'], format: 'uuid', description: 'The public pool holding the customer while it has no owner (absent from events published before pools existed).' },
    tags: { type: 'array', items: { type: 'string' } },
    remarks: nullableText,
    createdBy: uuid,
    updatedBy: uuid,
    createdAt: dateTime,
    updatedAt: dateTime,
    deletedAt: { type: ['string', 'null'], format: 'date-time' },
  },
  additionalProperties: false,
};

const contactSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'tenantId', 'customerId', 'ownerId', 'name', 'title', 'phones', 'email', 'decisionRole', 'createdAt', 'updatedAt', 'deletedAt'],
  properties: {
    id: uuid,
    tenantId: uuid,
    customerId: uuid,
    ownerId: { type: ['string', 'null'], format: 'uuid', description: 'Null while its customer sits in a public pool.' },
    name: { type: 'string' },
    title: nullableText,
    phones: { type: 'array', items: { type: 'string' } },
    email: nullableText,
    decisionRole: nullableText,
    createdAt: dateTime,
    updatedAt: dateTime,
    deletedAt: { type: ['string', 'null'], format: 'date-time' },
  },
  additionalProperties: false,
};

const followUpSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'tenantId', 'customerId', 'contactId', 'ownerId', 'type', 'content', 'time', 'nextFollowUpAt', 'createdAt', 'updatedAt', 'deletedAt'],
  properties: {
    id: uuid,
    tenantId: uuid,
    customerId: uuid,
    contactId: { type: ['string', 'null'], format: 'uuid' },
    ownerId: uuid,
    type: { enum: ['call', 'visit', 'message', 'meeting'] },
    content: { type: 'string' },
    time: dateTime,
    nextFollowUpAt: { type: ['string', 'null'], format: 'date-time' },
    createdAt: dateTime,
    updatedAt: dateTime,
    deletedAt: { type: ['string', 'null'], format: 'date-time' },
  },
  additionalProperties: false,
};

const T = '0190a6e2-7b3c-7d4e-8f00-000000000001';
const U = '0190a6e2-7b3c-7d4e-8f00-000000000003';
const C = '0190a6e2-7b3c-7d4e-8f00-000000000100';
const customer: CustomerData = {
  id: C,
  tenantId: T,
  code: 'KH-20250328-0001',
  name: 'Hangzhou Lianhe Machinery Co., Ltd.',
  shortName: 'Lianhe',
  type: 'enterprise',
  source: 'exhibition',
  industry: 'manufacturing',
  level: 'A',
  region: 'Zhejiang/Hangzhou',
  address: '88 Wensan Road, Xihu District',
  phone: '+86 571 8888 0000',
  email: 'info@lianhe.example.com',
  website: 'https://lianhe.example.com',
  unifiedSocialCreditCode: '91330100MA2B000000',
  ownerId: U,
  poolId: null,
  tags: ['key-account'],
  remarks: null,
  createdBy: U,
  updatedBy: U,
  createdAt: '2025-03-28T08:00:00.000Z',
  updatedAt: '2025-03-28T08:00:00.000Z',
  deletedAt: null,
};
const contact: ContactData = {
  id: '0190a6e2-7b3c-7d4e-8f00-000000000200',
  tenantId: T,
  customerId: C,
  ownerId: U,
  name: 'Wang Wei',
  title: 'Purchasing manager',
  phones: ['+86 139 0000 0000'],
  email: 'wang.wei@lianhe.example.com',
  decisionRole: 'decision-maker',
  createdAt: '2025-03-28T08:05:00.000Z',
  updatedAt: '2025-03-28T08:05:00.000Z',
  deletedAt: null,
};
const deletedAt = '2025-03-29T09:00:00.000Z';

export const CustomerCreated = defineEvent<CustomerData>({
  type: 'crm.sales.customer.created',
  version: 1,
  topic: 'sales.customer.v1',
  source: SOURCE,
  description: 'A customer was created; its owner is the user who created it.',
  schema: customerSchema,
  example: customer,
});

export const CustomerUpdated = defineEvent<CustomerData>({
  type: 'crm.sales.customer.updated',
  version: 1,
  topic: 'sales.customer.v1',
  source: SOURCE,
  description: 'A customer\u2019s fields or its owner changed; carries the whole customer as stored.',
  schema: customerSchema,
  example: { ...customer, level: 'B', updatedAt: '2025-03-28T10:00:00.000Z' },
});

export const CustomerDeleted = defineEvent<CustomerData>({
  type: 'crm.sales.customer.deleted',
  version: 1,
  topic: 'sales.customer.v1',
  source: SOURCE,
  description: 'A customer was moved to the recycle bin (soft delete), with its contacts and follow-ups; it can be restored.',
  schema: customerSchema,
  example: { ...customer, updatedAt: deletedAt, deletedAt },
});

export const CustomerRestored = defineEvent<CustomerData>({
  type: 'crm.sales.customer.restored',
  version: 1,
  topic: 'sales.customer.v1',
  source: SOURCE,
  description: 'A customer was brought back from the recycle bin, with the contacts and follow-ups deleted with it.',
  schema: customerSchema,
  example: { ...customer, updatedAt: '2025-03-30T09:00:00.000Z' },
});

export const ContactCreated = defineEvent<ContactData>({
  type: 'crm.sales.contact.created',
  version: 1,
  topic: 'sales.contact.v1',
  source: SOURCE,
  description: 'A contact was added to a customer.',
  schema: contactSchema,
  example: contact,
});

export const ContactUpdated = defineEvent<ContactData>({
  type: 'crm.sales.contact.updated',
  version: 1,
  topic: 'sales.contact.v1',
  source: SOURCE,
  description: 'A contact changed, or its owner changed with its customer\u2019s owner; carries the whole contact as stored.',
  schema: contactSchema,
  example: { ...contact, title: 'Head of purchasing', updatedAt: '2025-03-28T10:00:00.000Z' },
});

export const ContactDeleted = defineEvent<ContactData>({
  type: 'crm.sales.contact.deleted',
  version: 1,
  topic: 'sales.contact.v1',
  source: SOURCE,
  description: 'A contact was deleted on its own (soft delete). Contacts removed with their customer are announced by crm.sales.customer.deleted only.',
  schema: contactSchema,
  example: { ...contact, updatedAt: deletedAt, deletedAt },
});

export const ContactRestored = defineEvent<ContactData>({
  type: 'crm.sales.contact.restored',
  version: 1,
  topic: 'sales.contact.v1',
  source: SOURCE,
  description: 'A contact deleted on its own was brought back from the recycle bin. Contacts restored with their customer are announced by crm.sales.customer.restored only.',
  schema: contactSchema,
  example: { ...contact, updatedAt: '2025-03-30T09:00:00.000Z' },
});

const followUp: FollowUpData = {
  id: '0190a6e2-7b3c-7d4e-8f00-000000000400',
  tenantId: T,
  customerId: C,
  contactId: contact.id,
  ownerId: U,
  type: 'call',
  content: 'Asked for a quotation on 20 CNC machines.',
  time: '2025-03-28T08:00:00.000Z',
  nextFollowUpAt: '2025-04-04T08:00:00.000Z',
  createdAt: '2025-03-28T08:10:00.000Z',
  updatedAt: '2025-03-28T08:10:00.000Z',
  deletedAt: null,
};

export const FollowUpRecorded = defineEvent<FollowUpData>({
  type: 'crm.sales.follow-up.recorded',
  version: 1,
  topic: 'sales.follow-up.v1',
  source: SOURCE,
  description: 'A follow-up was recorded on a customer (its `time` is when the customer was reached): it restarts the pools\u2019 no-follow-up clocks.',
  schema: followUpSchema,
  example: followUp,
});

export const FollowUpUpdated = defineEvent<FollowUpData>({
  type: 'crm.sales.follow-up.updated',
  version: 1,
  topic: 'sales.follow-up.v1',
  source: SOURCE,
  description: 'A follow-up\u2019s fields or its owner changed; carries the whole follow-up as stored.',
  schema: followUpSchema,
  example: { ...followUp, content: 'Sent the quotation.', updatedAt: '2025-03-28T10:00:00.000Z' },
});

export const FollowUpDeleted = defineEvent<FollowUpData>({
  type: 'crm.sales.follow-up.deleted',
  version: 1,
  topic: 'sales.follow-up.v1',
  source: SOURCE,
  description: 'A follow-up was deleted on its own (soft delete). Follow-ups removed with their customer are announced by crm.sales.customer.deleted only.',
  schema: followUpSchema,
  example: { ...followUp, updatedAt: deletedAt, deletedAt },
});

export const SALES_EVENTS = [
  CustomerCreated, CustomerUpdated, CustomerDeleted, CustomerRestored, ContactCreated, ContactUpdated, ContactDeleted, ContactRestored, FollowUpRecorded, FollowUpUpdated, FollowUpDeleted,
];
