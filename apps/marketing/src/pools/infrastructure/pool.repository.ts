import { EntityManager } from 'typeorm';
import { UUID_PATTERN } from '@crm/kernel';
import { OwnershipAction } from '@crm/contracts';
import { Pool, PoolKind, PoolRules } from '../domain';

/* eslint-disable @typescript-eslint/no-explicit-any */
const toPool = (r: any): Pool => ({
  id: r.id,
  tenantId: r.tenant_id,
  kind: r.kind,
  code: r.code,
  name: r.name,
  description: r.description,
  isDefault: r.is_default,
  adminIds: r.admin_ids,
  memberIds: r.member_ids,
  tags: r.tags,
  reviewType: r.review_type,
  allocation: r.allocation,
  rules: r.rules as PoolRules,
  createdBy: r.created_by,
  updatedBy: r.updated_by,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** A pool of the tenant (locked for update inside a transaction with `lock`). */
export async function findPool(m: EntityManager, tenantId: string, kind: PoolKind, id: string, o: { lock?: boolean } = {}): Promise<Pool | undefined> {
  if (!UUID_PATTERN.test(id)) return undefined;
  const [row] = await m.query(`SELECT * FROM pools WHERE id = $1 AND tenant_id = $2 AND kind = $3${o.lock ? ' FOR UPDATE' : ''}`, [id, tenantId, kind]);
  return row ? toPool(row) : undefined;
}

export async function findDefaultPool(m: EntityManager, tenantId: string, kind: PoolKind): Promise<Pool | undefined> {
  const [row] = await m.query('SELECT * FROM pools WHERE tenant_id = $1 AND kind = $2 AND is_default', [tenantId, kind]);
  return row ? toPool(row) : undefined;
}

/** The pools a user may see: all of them for organisation administrators, else those they administer or belong to. */
export async function listPools(m: EntityManager, tenantId: string, kind: PoolKind, viewer: { userId: string; isOrgAdmin: boolean }, page: { offset: number; limit: number }): Promise<{ items: Pool[]; total: number }> {
  const visible = '($4::boolean OR $3::uuid = ANY (admin_ids) OR $3::uuid = ANY (member_ids))';
  const params = [tenantId, kind, viewer.userId, viewer.isOrgAdmin];
  const rows = await m.query(`SELECT *, count(*) OVER () AS total FROM pools WHERE tenant_id = $1 AND kind = $2 AND ${visible} ORDER BY created_at DESC, id LIMIT $5 OFFSET $6`, [...params, page.limit, page.offset]);
  const total = rows.length ? Number(rows[0].total) : Number((await m.query(`SELECT count(*) FROM pools WHERE tenant_id = $1 AND kind = $2 AND ${visible}`, params))[0].count);
  return { items: rows.map(toPool), total };
}

export async function insertPool(m: EntityManager, p: Pool): Promise<void> {
  await m.query(
    `INSERT INTO pools (id, tenant_id, kind, code, name, description, is_default, admin_ids, member_ids, tags, review_type, allocation, rules, created_by, updated_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [p.id, p.tenantId, p.kind, p.code, p.name, p.description, p.isDefault, p.adminIds, p.memberIds, p.tags, p.reviewType, p.allocation, JSON.stringify(p.rules), p.createdBy, p.updatedBy, p.createdAt, p.updatedAt],
  );
}

export async function updatePool(m: EntityManager, p: Pool): Promise<void> {
  await m.query(
    `UPDATE pools SET name = $3, description = $4, is_default = $5, admin_ids = $6, member_ids = $7, tags = $8, review_type = $9, allocation = $10, rules = $11, updated_by = $12, updated_at = $13
     WHERE id = $1 AND tenant_id = $2`,
    [p.id, p.tenantId, p.name, p.description, p.isDefault, p.adminIds, p.memberIds, p.tags, p.reviewType, p.allocation, JSON.stringify(p.rules), p.updatedBy, p.updatedAt],
  );
}

/** Unsets the tenant's current default pool of a kind (other than `except`); returns the pool it was, for the audit. */
export async function unsetDefault(m: EntityManager, tenantId: string, kind: PoolKind, except: string): Promise<Pool | undefined> {
  // Two new defaults at once: the second waits here, then finds (and unsets) the first.
  await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pool-default:${tenantId}:${kind}`]);
  const [row] = await m.query('SELECT * FROM pools WHERE tenant_id = $1 AND kind = $2 AND is_default AND id <> $3 FOR UPDATE', [tenantId, kind, except]);
  if (!row) return undefined;
  await m.query('UPDATE pools SET is_default = false WHERE id = $1', [row.id]);
  return toPool(row);
}

/** Users of the tenant among `ids` (the org projection is the service's copy of identity's users). */
export async function unknownUsers(m: EntityManager, tenantId: string, ids: string[]): Promise<string[]> {
  const valid = ids.filter((id) => UUID_PATTERN.test(id));
  const found: { id: string }[] = valid.length ? await m.query('SELECT id FROM org_users WHERE tenant_id = $1 AND id = ANY ($2::uuid[])', [tenantId, valid]) : [];
  const known = new Set(found.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

/** One customer's row of the ownership ledger. */
export interface LedgerRow {
  customerId: string;
  tenantId: string;
  code: string;
  name: string;
  ownerId: string | null;
  poolId: string | null;
  ownedSince: Date;
  lastFollowUpAt: Date | null;
  lastDealAt: Date | null;
  deleted: boolean;
  salesSyncedAt: Date;
}

const toLedger = (r: any): LedgerRow => ({
  customerId: r.customer_id,
  tenantId: r.tenant_id,
  code: r.code,
  name: r.name,
  ownerId: r.owner_id,
  poolId: r.pool_id,
  ownedSince: r.owned_since,
  lastFollowUpAt: r.last_follow_up_at,
  lastDealAt: r.last_deal_at,
  deleted: r.deleted,
  salesSyncedAt: r.sales_synced_at,
});

/** The customer's ledger row, row-locked with `lock`: whoever holds it decides the customer's next hands. */
export async function findLedgerRow(m: EntityManager, tenantId: string, customerId: string, o: { lock?: boolean } = {}): Promise<LedgerRow | undefined> {
  if (!UUID_PATTERN.test(customerId)) return undefined;
  const [row] = await m.query(`SELECT * FROM customer_ledger WHERE customer_id = $1 AND tenant_id = $2${o.lock ? ' FOR UPDATE' : ''}`, [customerId, tenantId]);
  return row ? toLedger(row) : undefined;
}

/**
 * Serialises every quota decision of one user (their claims and the assignments to them) for the
 * rest of the transaction: counts read under it stay true until commit.
 */
export async function lockQuotasOf(m: EntityManager, tenantId: string, userId: string): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pool-quota:${tenantId}:${userId}`]);
}

export async function heldBy(m: EntityManager, tenantId: string, userId: string): Promise<number> {
  const [r] = await m.query('SELECT count(*) FROM customer_ledger WHERE tenant_id = $1 AND owner_id = $2 AND NOT deleted', [tenantId, userId]);
  return Number(r.count);
}

/**
 * The three numbers a claim's quotas need, in one round trip; a count whose rule is not set is 0
 * (not counted at all).
 */
export async function claimQuotaCounts(
  m: EntityManager,
  tenantId: string,
  userId: string,
  o: { poolId: string; customerId: string; dayStart: Date; reclaimSince: Date | null; held: boolean; perDay: boolean; sameCustomer: boolean },
): Promise<{ held: number; claimsToday: number; claimsOfCustomer: number }> {
  const claims = `SELECT count(*) FROM customer_ownership_history WHERE tenant_id = $1 AND to_owner_id = $2 AND action = 'claim'`;
  const [r] = await m.query(
    `SELECT
       CASE WHEN $6 THEN (SELECT count(*) FROM customer_ledger WHERE tenant_id = $1 AND owner_id = $2 AND NOT deleted) ELSE 0 END AS held,
       CASE WHEN $7 THEN (${claims} AND at >= $3 AND from_pool_id = $4) ELSE 0 END AS today,
       CASE WHEN $8 THEN (${claims} AND customer_id = $5 AND ($9::timestamptz IS NULL OR at >= $9)) ELSE 0 END AS same`,
    [tenantId, userId, o.dayStart, o.poolId, o.customerId, o.held, o.perDay, o.sameCustomer, o.reclaimSince],
  );
  return { held: Number(r.held), claimsToday: Number(r.today), claimsOfCustomer: Number(r.same) };
}

export interface OwnershipMove {
  customerId: string;
  tenantId: string;
  action: OwnershipAction;
  fromOwnerId: string | null;
  toOwnerId: string | null;
  fromPoolId: string | null;
  toPoolId: string | null;
  actorId: string | null;
  reason: string | null;
  at: Date;
}

/** Moves the customer to its new hands in the ledger and records the move in its history. */
export async function recordMove(m: EntityManager, id: string, move: OwnershipMove): Promise<void> {
  await m.query('UPDATE customer_ledger SET owner_id = $3, pool_id = $4, owned_since = $5 WHERE customer_id = $1 AND tenant_id = $2', [
    move.customerId, move.tenantId, move.toOwnerId, move.toPoolId, move.at,
  ]);
  await m.query(
    `INSERT INTO customer_ownership_history (id, tenant_id, customer_id, action, from_owner_id, to_owner_id, from_pool_id, to_pool_id, actor_id, reason, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [id, move.tenantId, move.customerId, move.action, move.fromOwnerId, move.toOwnerId, move.fromPoolId, move.toPoolId, move.actorId, move.reason, move.at],
  );
}
