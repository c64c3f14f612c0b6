import { EntityManager } from 'typeorm';
import { CustomerData } from '@crm/contracts';
import { UUID_PATTERN, notFound } from '@crm/kernel';
import { CustomerEntity } from '../../infrastructure/customer.entity';

/** A customer as the API shows it and as its events carry it (the same public fields). */
export type CustomerView = CustomerData;

export const customerNotFound = () => notFound('CUSTOMER.NOT_FOUND', 'No such customer in your organisation, or you may not see it.');

export function toCustomerView(c: CustomerEntity): CustomerView {
  return {
    id: c.id,
    tenantId: c.tenantId,
    code: c.code,
    name: c.name,
    shortName: c.shortName,
    type: c.type,
    source: c.source,
    industry: c.industry,
    level: c.level,
    region: c.region,
    address: c.address,
    phone: c.phone,
    email: c.email,
    website: c.website,
    unifiedSocialCreditCode: c.unifiedSocialCreditCode,
    ownerId: c.ownerId,
    poolId: c.poolId,
    tags: c.tags,
    remarks: c.remarks,
    createdBy: c.createdBy,
    updatedBy: c.updatedBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    deletedAt: c.deletedAt ? c.deletedAt.toISOString() : null,
  };
}

/** The fields a caller may write; everything else (id, code, owner, audit fields) is the server's. */
export interface CustomerFields {
  name: string;
  shortName?: string | null;
  type?: string | null;
  source?: string | null;
  industry?: string | null;
  level?: string | null;
  region?: string | null;
  address?: string | null;
  phone?: string | null;
  email?: string | null;
  website?: string | null;
  unifiedSocialCreditCode?: string | null;
  tags?: string[];
  remarks?: string | null;
}

export const OPTIONAL_CUSTOMER_FIELDS = [
  'shortName', 'type', 'source', 'industry', 'level', 'region', 'address', 'phone', 'email', 'website', 'unifiedSocialCreditCode', 'remarks',
] as const;

/** A customer of the tenant, not in the recycle bin (or only one that is, with `deleted`); locked for update inside a transaction. */
export async function findCustomer(m: EntityManager, tenantId: string, id: string, o: { deleted?: boolean; lock?: boolean } = {}): Promise<CustomerEntity | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const qb = m.getRepository(CustomerEntity).createQueryBuilder('c').where('c.id = :id AND c.tenantId = :tenantId', { id, tenantId });
  qb.andWhere(o.deleted ? 'c.deletedAt IS NOT NULL' : 'c.deletedAt IS NULL');
  if (o.lock) qb.setLock('pessimistic_write');
  return qb.getOne();
}
