import { EntityManager } from 'typeorm';
import { ContactData } from '@crm/contracts';
import { UUID_PATTERN, notFound } from '@crm/kernel';
import { ContactEntity } from '../../infrastructure/contact.entity';

/** A contact as the API shows it and as its events carry it. */
export type ContactView = ContactData;

export const contactNotFound = () => notFound('CONTACT.NOT_FOUND', 'No such contact in your organisation, or you may not see it.');

export function toContactView(c: ContactEntity): ContactView {
  return {
    id: c.id,
    tenantId: c.tenantId,
    customerId: c.customerId,
    ownerId: c.ownerId,
    name: c.name,
    title: c.title,
    phones: c.phones,
    email: c.email,
    decisionRole: c.decisionRole,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    deletedAt: c.deletedAt ? c.deletedAt.toISOString() : null,
  };
}

/** A live contact of the tenant; locked for update inside a transaction when asked. */
export async function findContact(m: EntityManager, tenantId: string, id: string, lock = false): Promise<ContactEntity | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const qb = m.getRepository(ContactEntity).createQueryBuilder('ct').where('ct.id = :id AND ct.tenantId = :tenantId AND ct.deletedAt IS NULL', { id, tenantId });
  if (lock) qb.setLock('pessimistic_write');
  return qb.getOne();
}
