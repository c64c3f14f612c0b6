import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ContactCreated, ContactDeleted, ContactRestored, ContactUpdated } from '@crm/contracts';
import { UUID_PATTERN, conflict, newId, notFound } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { audit } from '../audit';
import { assertDictionaryCodes } from '../../dictionaries/dictionaries.service';
import { ContactEntity } from '../../infrastructure/contact.entity';
import { CustomerEntity } from '../../infrastructure/customer.entity';
import { findCustomer } from '../customers/customer-view';
import { ContactView, contactNotFound, findContact, toContactView } from './contact-view';
import { AuditActor, RequestContext, actorOf, requireRecordAccess } from '@crm/access';

export interface ContactFields {
  name: string;
  title?: string | null;
  phones?: string[];
  email?: string | null;
  decisionRole?: string | null;
}

export interface CreateContactInput extends ContactFields {
  customerId: string;
}

const customerOfContactNotFound = () => notFound('CUSTOMER.NOT_FOUND', 'No such customer in your organisation, or you may not see it.');

/**
 * Creates a contact of `customer` (owned by the customer's owner), with its event and audit entry,
 * in the caller's transaction: the one body a request (CreateContactHandler) and a lead conversion share.
 */
export async function createContactRecord(m: EntityManager, who: RequestContext | AuditActor, customer: CustomerEntity, input: ContactFields): Promise<ContactView> {
  const { tenantId, userId, traceparent } = actorOf(who);
  if (!userId) throw new Error('a contact needs an author: the actor must be a user');
  await assertDictionaryCodes(m, tenantId, 'contact', input);
  const now = new Date();
  const contact = m.getRepository(ContactEntity).create({
    id: newId(),
    tenantId,
    customerId: customer.id,
    ownerId: customer.ownerId,
    name: input.name,
    title: input.title ?? null,
    phones: input.phones ?? [],
    email: input.email ?? null,
    decisionRole: input.decisionRole ?? null,
    createdBy: userId,
    updatedBy: userId,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  });
  await m.getRepository(ContactEntity).insert(contact);
  const view = toContactView(contact);
  await publishInTransaction(m, ContactCreated, { tenantId, subject: contact.id, data: view, traceparent });
  await audit(m, who, { objectType: 'contact', objectId: contact.id, action: 'create', after: view });
  return view;
}

/** A contact joins a customer the caller may edit, and belongs to that customer's owner. */
@Injectable()
export class CreateContactHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, input: CreateContactInput): Promise<ContactView> {
    const { tenantId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const customer = await findCustomer(m, tenantId, input.customerId);
      if (!customer) throw customerOfContactNotFound();
      await requireRecordAccess(m, ctx, 'customer', customer, 'edit', customerOfContactNotFound);
      return createContactRecord(m, ctx, customer, input);
    });
  }
}

/** Absent fields stay as they are; `null` clears an optional one. The customer never changes. */
export type UpdateContactInput = Partial<ContactFields>;

@Injectable()
export class UpdateContactHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string, input: UpdateContactInput): Promise<ContactView> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const contact = await findContact(m, tenantId, id, true);
      if (!contact) throw contactNotFound();
      await requireRecordAccess(m, ctx, 'contact', contact, 'edit', contactNotFound);
      await assertDictionaryCodes(m, tenantId, 'contact', input, contact);
      const before = toContactView(contact);
      const changes: Partial<ContactEntity> = {};
      for (const key of ['name', 'title', 'phones', 'email', 'decisionRole'] as const) {
        if (input[key] !== undefined) Object.assign(changes, { [key]: input[key] });
      }
      Object.assign(contact, changes, { updatedAt: new Date(), updatedBy: userId });
      await m.getRepository(ContactEntity).update({ id, tenantId }, { ...changes, updatedAt: contact.updatedAt, updatedBy: userId });
      const view = toContactView(contact);
      await publishInTransaction(m, ContactUpdated, { tenantId, subject: id, data: view, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'contact', objectId: id, action: 'update', before, after: view });
      return view;
    });
  }
}

@Injectable()
export class DeleteContactHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string): Promise<void> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const contact = await findContact(m, tenantId, id, true);
      if (!contact) throw contactNotFound();
      await requireRecordAccess(m, ctx, 'contact', contact, 'edit', contactNotFound);
      const before = toContactView(contact);
      const now = new Date();
      Object.assign(contact, { deletedAt: now, updatedAt: now, updatedBy: userId });
      await m.getRepository(ContactEntity).update({ id, tenantId }, { deletedAt: now, updatedAt: now, updatedBy: userId });
      const after = toContactView(contact);
      await publishInTransaction(m, ContactDeleted, { tenantId, subject: id, data: after, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'contact', objectId: id, action: 'delete', before, after });
    });
  }
}

/** Brings back a contact deleted on its own; one deleted with its customer comes back with the customer. */
@Injectable()
export class RestoreContactHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string): Promise<ContactView> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const contact = UUID_PATTERN.test(id)
        ? await m.getRepository(ContactEntity).createQueryBuilder('ct').where('ct.id = :id AND ct.tenantId = :tenantId', { id, tenantId }).setLock('pessimistic_write').getOne()
        : null;
      if (!contact) throw contactNotFound();
      await requireRecordAccess(m, ctx, 'contact', contact, 'edit', contactNotFound);
      if (!contact.deletedAt) throw conflict('CONTACT.NOT_DELETED', 'The contact is not in the recycle bin.');
      if (!(await findCustomer(m, tenantId, contact.customerId))) {
        throw conflict('CONTACT.CUSTOMER_DELETED', 'The contact\u2019s customer is in the recycle bin: restore the customer, and its contacts come back with it.');
      }
      const before = toContactView(contact);
      const now = new Date();
      Object.assign(contact, { deletedAt: null, updatedAt: now, updatedBy: userId });
      await m.getRepository(ContactEntity).update({ id, tenantId }, { deletedAt: null, updatedAt: now, updatedBy: userId });
      const view = toContactView(contact);
      await publishInTransaction(m, ContactRestored, { tenantId, subject: id, data: view, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'contact', objectId: id, action: 'restore', before, after: view });
      return view;
    });
  }
}
