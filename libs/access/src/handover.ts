import { EntityManager } from 'typeorm';
import { BusinessServiceName, HANDOVER_PART_EVENTS, HandoverRequested, HandoverRequestedData } from '@crm/contracts';
import { ConsumerOptions, publishInTransaction } from '@crm/messaging';
import { AuditActor } from './audit';

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
