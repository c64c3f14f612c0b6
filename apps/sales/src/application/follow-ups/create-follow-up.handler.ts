import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newId, notFound, validationError } from '@crm/kernel';
import { FollowUpEntity, FollowUpType } from '../../infrastructure/follow-up.entity';
import { findContact } from '../contacts/contact-view';
import { findCustomer } from '../customers/customer-view';
import { FollowUpView, toFollowUpView } from './follow-up-view';
import { RequestContext, requireRecordAccess } from '@crm/access';

export interface CreateFollowUpInput {
  customerId: string;
  contactId?: string;
  type: FollowUpType;
  content: string;
  time?: string;
  nextFollowUpAt?: string;
}

const customerNotFound = () => notFound('CUSTOMER.NOT_FOUND', 'No such customer in your organisation, or you may not see it.');

/** Records a follow-up on a customer the caller may edit; the caller is its author and owner. */
@Injectable()
export class CreateFollowUpHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, input: CreateFollowUpInput): Promise<FollowUpView> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const customer = await findCustomer(m, tenantId, input.customerId);
      if (!customer) throw customerNotFound();
      await requireRecordAccess(m, ctx, 'customer', customer, 'edit', customerNotFound);
      if (input.contactId) {
        const contact = await findContact(m, tenantId, input.contactId);
        if (!contact || contact.customerId !== customer.id) throw validationError([{ field: 'contactId', message: 'No such contact of this customer.' }]);
      }
      const now = new Date();
      const followUp = m.getRepository(FollowUpEntity).create({
        id: newId(),
        tenantId,
        customerId: customer.id,
        contactId: input.contactId ?? null,
        ownerId: userId,
        type: input.type,
        content: input.content,
        time: input.time ? new Date(input.time) : now,
        nextFollowUpAt: input.nextFollowUpAt ? new Date(input.nextFollowUpAt) : null,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      });
      await m.getRepository(FollowUpEntity).insert(followUp);
      return toFollowUpView(followUp);
    });
  }
}
