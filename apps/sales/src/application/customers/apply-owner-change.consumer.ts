import { EntityManager } from 'typeorm';
import { ContactUpdated, CustomerOwnerChanged, CustomerOwnerChangedData, CustomerUpdated } from '@crm/contracts';
import { ConsumerOptions, publishInTransaction } from '@crm/messaging';
import { AuditActor } from '@crm/access';
import { ContactEntity } from '../../infrastructure/contact.entity';
import { CustomerEntity } from '../../infrastructure/customer.entity';
import { toContactView } from '../contacts/contact-view';
import { audit } from '../audit';
import { toCustomerView } from './customer-view';

/**
 * Marketing's ownership ledger decides who owns a customer that went through a public pool: a
 * claim or assignment gives it an owner, a return, transfer or recycling puts it in a pool (no
 * owner, `pool_id` set; then only ALL-scope users see it here). The customer's contacts follow.
 * Sales announces the result as crm.sales.customer.updated like any other owner change, so every
 * projection of customers keeps following one topic. Applying the same state twice changes nothing.
 */
export async function applyOwnerChange(m: EntityManager, change: CustomerOwnerChangedData): Promise<void> {
  const customer = await m.getRepository(CustomerEntity).createQueryBuilder('c')
    .where('c.id = :id AND c.tenantId = :tenantId', { id: change.customerId, tenantId: change.tenantId })
    .setLock('pessimistic_write')
    .getOne();
  if (!customer) return; // purged, or never here: nothing to apply
  if (customer.ownerId === change.ownerId && customer.poolId === change.poolId) return;
  const actor: AuditActor = { tenantId: change.tenantId, userId: change.actorId };
  const now = new Date();
  const before = toCustomerView(customer);
  const stamp = { ownerId: change.ownerId, poolId: change.poolId, updatedAt: now, updatedBy: change.actorId ?? customer.updatedBy };
  Object.assign(customer, stamp);
  await m.getRepository(CustomerEntity).update({ id: customer.id, tenantId: customer.tenantId }, stamp);
  const view = toCustomerView(customer);
  if (!customer.deletedAt) await publishInTransaction(m, CustomerUpdated, { tenantId: customer.tenantId, subject: customer.id, data: view });
  await audit(m, actor, { objectType: 'customer', objectId: customer.id, action: 'owner-change', before, after: view });

  const contacts = await m.getRepository(ContactEntity).find({ where: { tenantId: customer.tenantId, customerId: customer.id } });
  for (const contact of contacts.filter((c) => c.ownerId !== change.ownerId)) {
    const contactBefore = toContactView(contact);
    const contactStamp = { ownerId: change.ownerId, updatedAt: now, updatedBy: change.actorId ?? contact.updatedBy };
    Object.assign(contact, contactStamp);
    await m.getRepository(ContactEntity).update({ id: contact.id, tenantId: contact.tenantId }, contactStamp);
    const contactAfter = toContactView(contact);
    if (!contact.deletedAt) await publishInTransaction(m, ContactUpdated, { tenantId: contact.tenantId, subject: contact.id, data: contactAfter });
    await audit(m, actor, { objectType: 'contact', objectId: contact.id, action: 'owner-change', before: contactBefore, after: contactAfter });
  }
}

/** Sales' consumer of marketing's ownership events (passed to BusinessServiceModule.forRoot). */
export const ownerChangeConsumer: Omit<ConsumerOptions, 'log'> = {
  name: 'customer-ownership',
  topics: [CustomerOwnerChanged.topic],
  handlers: { [CustomerOwnerChanged.type]: (event, m) => applyOwnerChange(m, event.data as CustomerOwnerChangedData) },
};
