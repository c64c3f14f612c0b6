import { EntityManager } from 'typeorm';
import { FollowUpData } from '@crm/contracts';
import { UUID_PATTERN, notFound } from '@crm/kernel';
import { FollowUpEntity } from '../../infrastructure/follow-up.entity';

/** A follow-up as the API shows it and as its events carry it. */
export type FollowUpView = FollowUpData;

export const followUpNotFound = () => notFound('FOLLOW_UP.NOT_FOUND', 'No such follow-up in your organisation, or you may not see it.');

export function toFollowUpView(f: FollowUpEntity): FollowUpView {
  return {
    id: f.id,
    tenantId: f.tenantId,
    customerId: f.customerId,
    contactId: f.contactId,
    ownerId: f.ownerId,
    type: f.type,
    content: f.content,
    time: f.time.toISOString(),
    nextFollowUpAt: f.nextFollowUpAt ? f.nextFollowUpAt.toISOString() : null,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
    deletedAt: f.deletedAt ? f.deletedAt.toISOString() : null,
  };
}

/** A live follow-up of the tenant; locked for update inside a transaction when asked. */
export async function findFollowUp(m: EntityManager, tenantId: string, id: string, lock = false): Promise<FollowUpEntity | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const qb = m.getRepository(FollowUpEntity).createQueryBuilder('f').where('f.id = :id AND f.tenantId = :tenantId AND f.deletedAt IS NULL', { id, tenantId });
  if (lock) qb.setLock('pessimistic_write');
  return qb.getOne();
}
