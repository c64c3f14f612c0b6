import { DataSource, EntityManager } from 'typeorm';
import { CustomerOwnerChanged, OwnershipAction } from '@crm/contracts';
import { AppError, newId } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { RequestContext, auditTrail } from '@crm/access';
import { LedgerRow, recordMove } from '../infrastructure/pool.repository';

/** Marketing's operation log (one entry per pool, and per customer changing hands). */
export const audit = auditTrail('marketing');

export interface MoveTarget {
  action: OwnershipAction;
  toOwnerId: string | null;
  toPoolId: string | null;
  reason?: string | null;
}

/**
 * A customer changes hands, inside the caller's transaction and under its ledger row lock: the
 * ledger and the history row, an audit entry, and the owner-changed event sales applies.
 */
export async function moveCustomer(m: EntityManager, ctx: RequestContext, row: LedgerRow, target: MoveTarget): Promise<void> {
  const at = new Date();
  const { tenantId, userId } = ctx.caller;
  await recordMove(m, newId(), {
    customerId: row.customerId,
    tenantId,
    action: target.action,
    fromOwnerId: row.ownerId,
    toOwnerId: target.toOwnerId,
    fromPoolId: row.poolId,
    toPoolId: target.toPoolId,
    actorId: userId,
    reason: target.reason ?? null,
    at,
  });
  await audit(m, ctx, {
    objectType: 'customer',
    objectId: row.customerId,
    action: 'owner-change',
    before: { ownerId: row.ownerId, poolId: row.poolId },
    after: { ownerId: target.toOwnerId, poolId: target.toPoolId },
  });
  await publishInTransaction(m, CustomerOwnerChanged, {
    tenantId,
    subject: row.customerId,
    traceparent: ctx.traceparent,
    data: { customerId: row.customerId, tenantId, ownerId: target.toOwnerId, poolId: target.toPoolId, action: target.action, actorId: userId, at: at.toISOString() },
  });
}

export interface RecordResult {
  customerId: string;
  status: 'ok' | 'failed';
  code?: string;
  message?: string;
}

/**
 * A batch action, one transaction per customer so that each succeeds or fails on its own; the
 * answer says which and why. A request naming a single customer answers that customer's error
 * as the request's own (a 409 for a refused claim).
 */
export async function perCustomer(dataSource: DataSource, customerIds: string[], act: (m: EntityManager, customerId: string) => Promise<void>): Promise<{ results: RecordResult[] }> {
  const ids = [...new Set(customerIds)];
  const results: RecordResult[] = [];
  for (const customerId of ids) {
    try {
      await dataSource.transaction((m) => act(m, customerId));
      results.push({ customerId, status: 'ok' });
    } catch (err) {
      if (!(err instanceof AppError) || ids.length === 1) throw err;
      results.push({ customerId, status: 'failed', code: err.code, message: err.message });
    }
  }
  return { results };
}
