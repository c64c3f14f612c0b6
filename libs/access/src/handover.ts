import { EntityManager, ObjectLiteral } from 'typeorm';
import { BusinessServiceName, EventDefinition, HANDOVER_PART_EVENTS, HandoverRequested, HandoverRequestedData } from '@crm/contracts';
import { ConsumerOptions, publishInTransaction } from '@crm/messaging';
import { AuditActor, AuditTrail } from './audit';

/**
 * Moves every record `job.fromUserId` owns in this service to `job.toUserId`, auditing each on
 * behalf of `actor`, and answers the counts per business object. Runs inside the consumer's
 * transaction, so a job is done entirely or not at all, and a redelivered request does nothing.
 */
export type HandoverTransfer = (m: EntityManager, job: HandoverRequestedData, actor: AuditActor) => Promise<Record<string, number>>;

/** A service with no records of its own yet still reports, so the job can complete. */
export const nothingToTransfer: HandoverTransfer = async () => ({});

/** The consumer every business service runs for handovers: transfer, then report the counts to identity. */
export function handoverConsumer(service: BusinessServiceName, transfer: HandoverTransfer): Omit<ConsumerOptions, 'log'> {
  const completed = HANDOVER_PART_EVENTS.find((e) => e.source === `/crm/${service}`)!;
  return {
    name: 'handover',
    topics: [HandoverRequested.topic],
    handlers: {
      [HandoverRequested.type]: async (event, m) => {
        const job = event.data as HandoverRequestedData;
        const counts = await transfer(m, job, { tenantId: job.tenantId, userId: job.requestedBy, requestId: job.requestId, ip: job.ip });
        await publishInTransaction(m, completed, {
          tenantId: job.tenantId,
          subject: job.id,
          data: { handoverId: job.id, tenantId: job.tenantId, service, counts, completedAt: new Date().toISOString() },
        });
      },
    },
  };
}

interface OwnedRecord extends ObjectLiteral {
  id: string;
  ownerId: string | null;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** One kind of record a service hands over: its table, its public view and the event announcing a change. */
export interface OwnedKind<E extends OwnedRecord, V extends object> {
  object: string;
  entity: new () => E;
  view: (e: E) => V;
  updated: EventDefinition<V>;
  /** Whether the table records who last changed a row (`updated_by`). */
  stampsEditor: boolean;
}

/**
 * Gives every record of one kind the leaver owns (those in the recycle bin too, so a restore
 * returns them to the receiver) to the receiver: one UPDATE, then an event for each live record
 * and one `handover` audit entry for each record. Answers how many moved.
 */
export async function transferOwned<E extends OwnedRecord, V extends object>(
  m: EntityManager,
  audit: AuditTrail,
  kind: OwnedKind<E, V>,
  job: Pick<HandoverRequestedData, 'fromUserId' | 'toUserId'>,
  actor: AuditActor,
): Promise<number> {
  const repo = m.getRepository(kind.entity);
  const mine = { tenantId: actor.tenantId, from: job.fromUserId };
  const owned = await repo.createQueryBuilder('r').where('r.tenantId = :tenantId AND r.ownerId = :from', mine).orderBy('r.id').setLock('pessimistic_write').getMany();
  if (owned.length === 0) return 0;
  const stamp = { ownerId: job.toUserId, updatedAt: new Date(), ...(kind.stampsEditor ? { updatedBy: actor.userId } : {}) };
  await repo.createQueryBuilder().update().set(stamp as never).where('tenantId = :tenantId AND ownerId = :from', mine).execute();
  for (const record of owned) {
    const before = kind.view(record);
    Object.assign(record, stamp);
    const after = kind.view(record);
    if (!record.deletedAt) await publishInTransaction(m, kind.updated, { tenantId: actor.tenantId, subject: record.id, data: after, traceparent: actor.traceparent });
    await audit(m, actor, { objectType: kind.object, objectId: record.id, action: 'handover', before, after });
  }
  return owned.length;
}
