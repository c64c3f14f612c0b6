import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FollowUpDeleted, FollowUpRecorded, FollowUpUpdated } from '@crm/contracts';
import { newId, notFound, validationError } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { RequestContext, requireRecordAccess } from '@crm/access';
import { FollowUpEntity, FollowUpType } from '../../infrastructure/follow-up.entity';
import { audit } from '../audit';
import { findContact } from '../contacts/contact-view';
import { findCustomer } from '../customers/customer-view';
import { FollowUpView, findFollowUp, followUpNotFound, toFollowUpView } from './follow-up-view';

export interface CreateFollowUpInput {
  customerId: string;
  contactId?: string;
  type: FollowUpType;
  content: string;
  time?: string;
  nextFollowUpAt?: string;
}

/** Absent fields stay as they are; `null` clears `contactId` or `nextFollowUpAt`. The customer never changes. */
export interface UpdateFollowUpInput {
  contactId?: string | null;
  type?: FollowUpType;
  content?: string;
  time?: string;
  nextFollowUpAt?: string | null;
}

const customerNotFound = () => notFound('CUSTOMER.NOT_FOUND', 'No such customer in your organisation, or you may not see it.');

async function requireContactOf(m: Parameters<typeof findContact>[0], tenantId: string, customerId: string, contactId: string): Promise<void> {
  const contact = await findContact(m, tenantId, contactId);
  if (!contact || contact.customerId !== customerId) throw validationError([{ field: 'contactId', message: 'No such contact of this customer.' }]);
}

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
      if (input.contactId) await requireContactOf(m, tenantId, customer.id, input.contactId);
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
      const view = toFollowUpView(followUp);
      await publishInTransaction(m, FollowUpRecorded, { tenantId, subject: followUp.id, data: view, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'follow-up', objectId: followUp.id, action: 'create', after: view });
      return view;
    });
  }
}

/** Whoever may edit the follow-up (its author, those above them, editors by share) may correct it. */
@Injectable()
export class UpdateFollowUpHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string, input: UpdateFollowUpInput): Promise<FollowUpView> {
    const { tenantId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const followUp = await findFollowUp(m, tenantId, id, true);
      if (!followUp) throw followUpNotFound();
      await requireRecordAccess(m, ctx, 'follow-up', followUp, 'edit', followUpNotFound);
      if (input.contactId) await requireContactOf(m, tenantId, followUp.customerId, input.contactId);
      const before = toFollowUpView(followUp);
      const changes: Partial<FollowUpEntity> = {};
      if (input.contactId !== undefined) changes.contactId = input.contactId;
      if (input.type !== undefined) changes.type = input.type;
      if (input.content !== undefined) changes.content = input.content;
      if (input.time !== undefined) changes.time = new Date(input.time);
      if (input.nextFollowUpAt !== undefined) changes.nextFollowUpAt = input.nextFollowUpAt === null ? null : new Date(input.nextFollowUpAt);
      Object.assign(followUp, changes, { updatedAt: new Date() });
      await m.getRepository(FollowUpEntity).update({ id, tenantId }, { ...changes, updatedAt: followUp.updatedAt });
      const view = toFollowUpView(followUp);
      await publishInTransaction(m, FollowUpUpdated, { tenantId, subject: id, data: view, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'follow-up', objectId: id, action: 'update', before, after: view });
      return view;
    });
  }
}

/** A soft delete; a follow-up deleted on its own is not brought back by restoring its customer. */
@Injectable()
export class DeleteFollowUpHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string): Promise<void> {
    const { tenantId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const followUp = await findFollowUp(m, tenantId, id, true);
      if (!followUp) throw followUpNotFound();
      await requireRecordAccess(m, ctx, 'follow-up', followUp, 'edit', followUpNotFound);
      const before = toFollowUpView(followUp);
      const now = new Date();
      Object.assign(followUp, { deletedAt: now, updatedAt: now });
      await m.getRepository(FollowUpEntity).update({ id, tenantId }, { deletedAt: now, updatedAt: now });
      const after = toFollowUpView(followUp);
      await publishInTransaction(m, FollowUpDeleted, { tenantId, subject: id, data: after, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'follow-up', objectId: id, action: 'delete', before, after });
    });
  }
}
