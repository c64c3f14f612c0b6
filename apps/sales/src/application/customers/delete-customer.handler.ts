import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CustomerDeleted } from '@crm/contracts';
import { publishInTransaction } from '@crm/messaging';
import { audit } from '../audit';
import { CustomerEntity } from '../../infrastructure/customer.entity';
import { customerNotFound, findCustomer, toCustomerView } from './customer-view';
import { RequestContext, requireRecordAccess } from '@crm/access';

/**
 * Moves a customer to the recycle bin with its live contacts and follow-ups, all stamped with the
 * same `deleted_at`: restoring brings back exactly those, not the ones deleted on their own before.
 */
@Injectable()
export class DeleteCustomerHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string): Promise<void> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const customer = await findCustomer(m, tenantId, id, { lock: true });
      if (!customer) throw customerNotFound();
      await requireRecordAccess(m, ctx, 'customer', customer, 'edit', customerNotFound);
      const before = toCustomerView(customer);
      const now = new Date();
      Object.assign(customer, { deletedAt: now, updatedAt: now, updatedBy: userId });
      await m.getRepository(CustomerEntity).update({ id, tenantId }, { deletedAt: now, updatedAt: now, updatedBy: userId });
      await m.query('UPDATE contacts SET deleted_at = $3 WHERE tenant_id = $1 AND customer_id = $2 AND deleted_at IS NULL', [tenantId, id, now]);
      await m.query('UPDATE follow_ups SET deleted_at = $3 WHERE tenant_id = $1 AND customer_id = $2 AND deleted_at IS NULL', [tenantId, id, now]);
      const after = toCustomerView(customer);
      await publishInTransaction(m, CustomerDeleted, { tenantId, subject: id, data: after, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'customer', objectId: id, action: 'delete', before, after });
    });
  }
}
