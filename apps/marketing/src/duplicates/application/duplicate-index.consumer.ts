import { EntityManager } from 'typeorm';
import {
  ContactCreated,
  ContactData,
  ContactDeleted,
  ContactRestored,
  ContactUpdated,
  CustomerCreated,
  CustomerData,
  CustomerDeleted,
  CustomerRestored,
  CustomerUpdated,
} from '@crm/contracts';
import { ConsumerOptions } from '@crm/messaging';
import { setContactsOfCustomerDeleted, upsertIndexEntry } from '../infrastructure/duplicate-index.repository';

async function indexCustomer(m: EntityManager, c: CustomerData): Promise<void> {
  await upsertIndexEntry(m, {
    tenantId: c.tenantId,
    object: 'customer',
    recordId: c.id,
    ownerId: c.ownerId,
    displayName: c.name,
    fields: { name: c.name, phone: c.phone, email: c.email, unifiedSocialCreditCode: c.unifiedSocialCreditCode },
    deleted: c.deletedAt !== null,
    updatedAt: c.updatedAt,
  });
}

async function indexContact(m: EntityManager, c: ContactData): Promise<void> {
  await upsertIndexEntry(m, {
    tenantId: c.tenantId,
    object: 'contact',
    recordId: c.id,
    ownerId: c.ownerId,
    displayName: c.name,
    customerId: c.customerId,
    fields: { name: c.name, phones: c.phones, email: c.email, customerId: c.customerId },
    deleted: c.deletedAt !== null,
    updatedAt: c.updatedAt,
  });
}

/** Sales deletes and restores a customer's contacts with it under the customer's event alone. */
const customerBinned = (deleted: boolean) => async (m: EntityManager, c: CustomerData) => {
  await indexCustomer(m, c);
  await setContactsOfCustomerDeleted(m, c.tenantId, c.id, deleted);
};

/**
 * Customers and contacts in marketing's duplicate index, projected from sales' events (each
 * carries the whole record as stored): leads are checked against them (交叉查重). Deleted ones are
 * flagged, not removed, and come back when restored.
 */
export const duplicateIndexConsumer: Omit<ConsumerOptions, 'log'> = {
  name: 'duplicate-index',
  topics: [CustomerCreated.topic, ContactCreated.topic],
  handlers: {
    [CustomerCreated.type]: (e, m) => indexCustomer(m, e.data as CustomerData),
    [CustomerUpdated.type]: (e, m) => indexCustomer(m, e.data as CustomerData),
    [CustomerDeleted.type]: (e, m) => customerBinned(true)(m, e.data as CustomerData),
    [CustomerRestored.type]: (e, m) => customerBinned(false)(m, e.data as CustomerData),
    [ContactCreated.type]: (e, m) => indexContact(m, e.data as ContactData),
    [ContactUpdated.type]: (e, m) => indexContact(m, e.data as ContactData),
    [ContactDeleted.type]: (e, m) => indexContact(m, e.data as ContactData),
    [ContactRestored.type]: (e, m) => indexContact(m, e.data as ContactData),
  },
};
