import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ContactUpdated, CustomerUpdated } from '@crm/contracts';
import { validationError } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { ContactEntity } from '../../infrastructure/contact.entity';
import { audit } from '../audit';
import { CustomerEntity } from '../../infrastructure/customer.entity';
import { toContactView } from '../contacts/contact-view';
import { CustomerView, customerNotFound, findCustomer, toCustomerView } from './customer-view';
import { RequestContext, requireAdmin } from '@crm/access';

/** Administrators hand a customer to another user of the organisation; its contacts follow it. */
@Injectable()
export class AssignCustomerOwnerHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string, ownerId: string): Promise<CustomerView> {
    requireAdmin(ctx.caller, 'Only administrators may give a customer another owner.');
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const customer = await findCustomer(m, tenantId, id, { lock: true });
      if (!customer) throw customerNotFound();
      // The org projection is the service's copy of identity's users: the owner must be one of them.
      const [user] = await m.query('SELECT 1 FROM org_users WHERE id = $1 AND tenant_id = $2', [ownerId, tenantId]);
      if (!user) throw validationError([{ field: 'ownerId', message: 'No such user in this organisation.' }]);
      const before = toCustomerView(customer);
      const now = new Date();
      // A customer in a public pool leaves it with its new owner (marketing's ledger follows this change).
      Object.assign(customer, { ownerId, poolId: null, updatedAt: now, updatedBy: userId });
      await m.getRepository(CustomerEntity).update({ id, tenantId }, { ownerId, poolId: null, updatedAt: now, updatedBy: userId });
      const view = toCustomerView(customer);
      await publishInTransaction(m, CustomerUpdated, { tenantId, subject: id, data: view, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'customer', objectId: id, action: 'owner-change', before, after: view });

      const contacts = await m.getRepository(ContactEntity).find({ where: { tenantId, customerId: id } });
      for (const contact of contacts.filter((c) => c.ownerId !== ownerId)) {
        const contactBefore = toContactView(contact);
        Object.assign(contact, { ownerId, updatedAt: now, updatedBy: userId });
        await m.getRepository(ContactEntity).update({ id: contact.id, tenantId }, { ownerId, updatedAt: now, updatedBy: userId });
        const contactAfter = toContactView(contact);
        if (!contact.deletedAt) await publishInTransaction(m, ContactUpdated, { tenantId, subject: contact.id, data: contactAfter, traceparent: ctx.traceparent });
        await audit(m, ctx, { objectType: 'contact', objectId: contact.id, action: 'owner-change', before: contactBefore, after: contactAfter });
      }
      return view;
    });
  }
}
