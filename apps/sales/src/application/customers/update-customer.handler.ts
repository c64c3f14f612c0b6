import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CustomerUpdated } from '@crm/contracts';
import { publishInTransaction } from '@crm/messaging';
import { audit } from '../audit';
import { assertDictionaryCodes } from '../../dictionaries/dictionaries.service';
import { CustomerEntity } from '../../infrastructure/customer.entity';
import { CustomerFields, CustomerView, OPTIONAL_CUSTOMER_FIELDS, customerNotFound, findCustomer, toCustomerView } from './customer-view';
import { RequestContext, requireRecordAccess } from '@crm/access';

/** Absent fields stay as they are; `null` clears an optional one. */
export type UpdateCustomerInput = Partial<CustomerFields>;

@Injectable()
export class UpdateCustomerHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string, input: UpdateCustomerInput): Promise<CustomerView> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const customer = await findCustomer(m, tenantId, id, { lock: true });
      if (!customer) throw customerNotFound();
      await requireRecordAccess(m, ctx, 'customer', customer, 'edit', customerNotFound);
      await assertDictionaryCodes(m, tenantId, 'customer', input, customer);
      const before = toCustomerView(customer);
      const changes: Partial<CustomerEntity> = {};
      for (const key of ['name', 'tags', ...OPTIONAL_CUSTOMER_FIELDS] as const) {
        if (input[key] !== undefined) Object.assign(changes, { [key]: input[key] });
      }
      Object.assign(customer, changes, { updatedAt: new Date(), updatedBy: userId });
      await m.getRepository(CustomerEntity).update({ id, tenantId }, { ...changes, updatedAt: customer.updatedAt, updatedBy: userId });
      const view = toCustomerView(customer);
      await publishInTransaction(m, CustomerUpdated, { tenantId, subject: id, data: view, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'customer', objectId: id, action: 'update', before, after: view });
      return view;
    });
  }
}
