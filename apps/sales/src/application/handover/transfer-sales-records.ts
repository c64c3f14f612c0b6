import { EntityManager, ObjectLiteral } from 'typeorm';
import { AuditActor, HandoverTransfer } from '@crm/access';
import { ContactUpdated, CustomerUpdated, EventDefinition, FollowUpUpdated } from '@crm/contracts';
import { publishInTransaction } from '@crm/messaging';
import { ContactEntity } from '../../infrastructure/contact.entity';
import { CustomerEntity } from '../../infrastructure/customer.entity';
import { FollowUpEntity } from '../../infrastructure/follow-up.entity';
import { audit } from '../audit';
import { toContactView } from '../contacts/contact-view';
import { toCustomerView } from '../customers/customer-view';
import { toFollowUpView } from '../follow-ups/follow-up-view';

interface OwnedRecord extends ObjectLiteral {
  id: string;
  ownerId: string;
  updatedAt: Date;
  deletedAt: Date | null;
}

interface OwnedKind<E extends OwnedRecord, V extends object> {
  object: 'customer' | 'contact' | 'follow-up';
  entity: new () => E;
  view: (e: E) => V;
  updated: EventDefinition<V>;
  /** Whether the table records who last changed a row (`updated_by`). */
  stampsEditor: boolean;
}

/**
 * Gives every record of one kind the leaver owns (those in the recycle bin too, so a restore
 * returns them to the receiver) to the receiver: one UPDATE, then an event for each live record
 * and one audit entry for each record.
 */
async function transferKind<E extends OwnedRecord, V extends object>(m: EntityManager, kind: OwnedKind<E, V>, from: string, to: string, actor: AuditActor): Promise<number> {
  const repo = m.getRepository(kind.entity);
  const owned = await repo.createQueryBuilder('r')
    .where('r.tenantId = :tenantId AND r.ownerId = :from', { tenantId: actor.tenantId, from })
    .orderBy('r.id')
    .setLock('pessimistic_write')
    .getMany();
  if (owned.length === 0) return 0;
  const now = new Date();
  const stamp = { ownerId: to, updatedAt: now, ...(kind.stampsEditor ? { updatedBy: actor.userId } : {}) };
  await repo.createQueryBuilder().update().set(stamp as never).where('tenantId = :tenantId AND ownerId = :from', { tenantId: actor.tenantId, from }).execute();
  for (const record of owned) {
    const before = kind.view(record);
    Object.assign(record, stamp);
    const after = kind.view(record);
    if (!record.deletedAt) await publishInTransaction(m, kind.updated, { tenantId: actor.tenantId, subject: record.id, data: after, traceparent: actor.traceparent });
    await audit(m, actor, { objectType: kind.object, objectId: record.id, action: 'handover', before, after });
  }
  return owned.length;
}

/** The sales part of a handover: the leaver's customers, contacts and follow-ups. */
export const transferSalesRecords: HandoverTransfer = async (m, job, actor) => {
  const { fromUserId: from, toUserId: to } = job;
  return {
    customer: await transferKind(m, { object: 'customer', entity: CustomerEntity, view: toCustomerView, updated: CustomerUpdated, stampsEditor: true }, from, to, actor),
    contact: await transferKind(m, { object: 'contact', entity: ContactEntity, view: toContactView, updated: ContactUpdated, stampsEditor: true }, from, to, actor),
    'follow-up': await transferKind(m, { object: 'follow-up', entity: FollowUpEntity, view: toFollowUpView, updated: FollowUpUpdated, stampsEditor: false }, from, to, actor),
  };
};
