import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CustomerRestored } from '@crm/contracts';
import { conflict } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { audit } from '../audit';
import { CustomerEntity } from '../../infrastructure/customer.entity';
import { CustomerView, customerNotFound, findCustomer, toCustomerView } from './customer-view';
import { RequestContext, requireRecordAccess } from '@crm/access';

/** Brings a customer back from the recycle bin with the contacts and follow-ups deleted with it. */
@Injectable()
export class RestoreCustomerHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string): Promise<CustomerView> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const customer = (await findCustomer(m, tenantId, id, { deleted: true, lock: true })) ?? (await findCustomer(m, tenantId, id));
      if (!customer) throw customerNotFound();
      await requireRecordAccess(m, ctx, 'customer', customer, 'edit', customerNotFound);
      if (!customer.deletedAt) throw conflict('CUSTOMER.NOT_DELETED', 'The customer is not in the recycle bin.');
      const deletedAt = customer.deletedAt;
      const before = toCustomerView(customer);
      const now = new Date();
      Object.assign(customer, { deletedAt: null, updatedAt: now, updatedBy: userId });
      await m.getRepository(CustomerEntity).update({ id, tenantId }, { deletedAt: null, updatedAt: now, updatedBy: userId });
      await m.query('UPDATE contacts SET deleted_at = NULL WHERE tenant_id = $1 AND customer_id = $2 AND deleted_at = $3', [tenantId, id, deletedAt]);
      await m.query('UPDATE follow_ups SET deleted_at = NULL WHERE tenant_id = $1 AND customer_id = $2 AND deleted_at = $3', [tenantId, id, deletedAt]);
      const view = toCustomerView(customer);
      await publishInTransaction(m, CustomerRestored, { tenantId, subject: id, data: view, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'customer', objectId: id, action: 'restore', before, after: view });
      return view;
    });
  }
}
