import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CustomerCreated } from '@crm/contracts';
import { NumberingRule, newId } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { nextCode } from '@crm/persistence';
import { audit } from '../audit';
import { assertDictionaryCodes } from '../../dictionaries/dictionaries.service';
import { CustomerEntity } from '../../infrastructure/customer.entity';
import { CustomerFields, CustomerView, OPTIONAL_CUSTOMER_FIELDS, toCustomerView } from './customer-view';
import { AuditActor, RequestContext, actorOf } from '@crm/access';

/** `KH-20250328-0001`: the serial restarts every day (UTC). */
export const CUSTOMER_NUMBERING: NumberingRule = { prefix: 'KH', datePattern: 'YYYYMMDD', serialDigits: 4, reset: 'daily', separator: '-' };

/**
 * Creates a customer owned by `who`'s user, with its event and audit entry, in the caller's
 * transaction: the one body a request (CreateCustomerHandler) and a lead conversion share.
 */
export async function createCustomerRecord(m: EntityManager, who: RequestContext | AuditActor, input: CustomerFields): Promise<CustomerView> {
  const { tenantId, userId, traceparent } = actorOf(who);
  if (!userId) throw new Error('a customer needs an owner: the actor must be a user');
  await assertDictionaryCodes(m, tenantId, 'customer', input);
  const now = new Date();
  const customer = m.getRepository(CustomerEntity).create({
    id: newId(),
    tenantId,
    code: await nextCode(m, tenantId, 'customer', CUSTOMER_NUMBERING, now),
    name: input.name,
    ...Object.fromEntries(OPTIONAL_CUSTOMER_FIELDS.map((f) => [f, input[f] ?? null])),
    ownerId: userId,
    poolId: null,
    tags: input.tags ?? [],
    createdBy: userId,
    updatedBy: userId,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  });
  await m.getRepository(CustomerEntity).insert(customer);
  const view = toCustomerView(customer);
  await publishInTransaction(m, CustomerCreated, { tenantId, subject: customer.id, data: view, traceparent });
  await audit(m, who, { objectType: 'customer', objectId: customer.id, action: 'create', after: view });
  return view;
}

/** The caller becomes the owner; an administrator hands a customer over with AssignCustomerOwnerHandler. */
@Injectable()
export class CreateCustomerHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, input: CustomerFields): Promise<CustomerView> {
    return this.dataSource.transaction((m) => createCustomerRecord(m, ctx, input));
  }
}
