import { EntityManager } from 'typeorm';
import { CustomerCreated, CustomerData, CustomerDeleted, CustomerRestored, CustomerUpdated, FollowUpData, FollowUpRecorded } from '@crm/contracts';
import { newId } from '@crm/kernel';
import { ConsumerOptions } from '@crm/messaging';
import { findLedgerRow, recordMove } from '../infrastructure/pool.repository';

/** A customer marketing had not heard of gets its ledger row as sales describes it. */
async function ensureRow(m: EntityManager, c: CustomerData): Promise<boolean> {
  const inserted = await m.query(
    `INSERT INTO customer_ledger (customer_id, tenant_id, code, name, owner_id, pool_id, owned_since, deleted)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id`,
    [c.id, c.tenantId, c.code, c.name, c.ownerId, c.ownerId ? null : (c.poolId ?? null), c.createdAt, c.deletedAt !== null],
  );
  return inserted.length > 0;
}

/**
 * An owner change sales made itself (an administrator's PUT /customers/{id}/owner, a handover) is
 * followed: the ledger takes the new owner. Sales also announces the owner changes it applied for
 * marketing (crm.sales.customer.updated after our owner-changed event); those echoes are recognised
 * — no owner (a pool move), the ledger's owner already, or an owner a pool action of ours gave it
 * since we last followed sales — and change nothing, so a late echo never undoes a later action.
 */
async function followOwner(m: EntityManager, c: CustomerData): Promise<void> {
  if (await ensureRow(m, c)) return;
  const row = (await findLedgerRow(m, c.tenantId, c.id, { lock: true }))!;
  await m.query('UPDATE customer_ledger SET code = $2, name = $3 WHERE customer_id = $1', [c.id, c.code, c.name]);
  if (c.ownerId === null || c.ownerId === row.ownerId) return;
  const [echo] = await m.query(
    'SELECT 1 FROM customer_ownership_history WHERE tenant_id = $1 AND customer_id = $2 AND to_owner_id = $3 AND at >= $4 LIMIT 1',
    [c.tenantId, c.id, c.ownerId, row.salesSyncedAt],
  );
  if (echo) return;
  const at = new Date(c.updatedAt);
  await recordMove(m, newId(), {
    customerId: c.id,
    tenantId: c.tenantId,
    action: 'assign',
    fromOwnerId: row.ownerId,
    toOwnerId: c.ownerId,
    fromPoolId: row.poolId,
    toPoolId: null,
    actorId: c.updatedBy,
    reason: 'Owner changed in sales.',
    at,
  });
  await m.query('UPDATE customer_ledger SET sales_synced_at = now() WHERE customer_id = $1', [c.id]);
}

async function markDeleted(m: EntityManager, c: CustomerData, deleted: boolean): Promise<void> {
  if (await ensureRow(m, c)) return;
  await m.query('UPDATE customer_ledger SET deleted = $2 WHERE customer_id = $1 AND tenant_id = $3', [c.id, deleted, c.tenantId]);
}

/** A follow-up restarts the no-follow-up clock: the latest reach of the customer wins. */
async function followedUp(m: EntityManager, f: FollowUpData): Promise<void> {
  await m.query(
    'UPDATE customer_ledger SET last_follow_up_at = GREATEST(last_follow_up_at, $3::timestamptz) WHERE customer_id = $1 AND tenant_id = $2',
    [f.customerId, f.tenantId, f.time],
  );
}

/**
 * The ownership ledger, fed by sales: customers created (owned by their creator), deleted and
 * restored, owner changes sales made, and follow-ups. Deals reset `last_deal_at` once sales
 * publishes a deal-won (opportunity) event; none exists yet.
 */
export const customerLedgerConsumer: Omit<ConsumerOptions, 'log'> = {
  name: 'customer-ledger',
  topics: [CustomerCreated.topic, FollowUpRecorded.topic],
  handlers: {
    [CustomerCreated.type]: async (e, m) => void (await ensureRow(m, e.data as CustomerData)),
    [CustomerUpdated.type]: (e, m) => followOwner(m, e.data as CustomerData),
    [CustomerDeleted.type]: (e, m) => markDeleted(m, e.data as CustomerData, true),
    [CustomerRestored.type]: (e, m) => markDeleted(m, e.data as CustomerData, false),
    [FollowUpRecorded.type]: (e, m) => followedUp(m, e.data as FollowUpData),
  },
};
