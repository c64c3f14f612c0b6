import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { ListSpec, Page, parseListQuery } from '@crm/kernel';
import { OwnershipAction } from '@crm/contracts';
import { Pool, PoolKind, canSeePool, poolErrors } from '../domain';
import { findLedgerRow, findPool, listPools } from '../infrastructure/pool.repository';
import { viewerOf, visiblePool } from './pool-access';

const POOLS: ListSpec = { sortable: ['createdAt'], filterable: [], defaultSort: [{ field: 'createdAt', direction: 'DESC' }] };
const POOL_CUSTOMERS: ListSpec = {
  sortable: ['inPoolSince', 'name', 'code', 'lastFollowUpAt'],
  filterable: ['q'],
  defaultSort: [{ field: 'inPoolSince', direction: 'DESC' }],
};
const POOL_CUSTOMER_COLUMNS: Record<string, string> = { inPoolSince: 'owned_since', name: 'name', code: 'code', lastFollowUpAt: 'last_follow_up_at' };
const HISTORY: ListSpec = { sortable: ['at'], filterable: [], defaultSort: [{ field: 'at', direction: 'DESC' }] };

/** A customer waiting in a pool, as the pool's members see it. */
export interface PooledCustomer {
  customerId: string;
  code: string;
  name: string;
  inPoolSince: string;
  lastFollowUpAt: string | null;
  lastDealAt: string | null;
}

/** One change of hands in a customer's ownership history. */
export interface OwnershipHistoryEntry {
  id: string;
  customerId: string;
  action: OwnershipAction;
  fromOwnerId: string | null;
  toOwnerId: string | null;
  fromPoolId: string | null;
  toPoolId: string | null;
  actorId: string | null;
  reason: string | null;
  at: string;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Reads of pools, their customers and customers' ownership history, straight from SQL. */
@Injectable()
export class PoolQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, kind: PoolKind, query: Record<string, unknown>): Promise<Page<Pool>> {
    const q = parseListQuery(query, POOLS);
    const { items, total } = await listPools(this.dataSource.manager, ctx.caller.tenantId, kind, viewerOf(ctx.caller), { offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  get(ctx: RequestContext, kind: PoolKind, id: string): Promise<Pool> {
    return visiblePool(this.dataSource.manager, ctx.caller, kind, id);
  }

  async customers(ctx: RequestContext, poolId: string, query: Record<string, unknown>): Promise<Page<PooledCustomer>> {
    const q = parseListQuery(query, POOL_CUSTOMERS);
    const pool = await visiblePool(this.dataSource.manager, ctx.caller, 'customer', poolId);
    const text = q.filters.q ? `%${q.filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const where = "pool_id = $1 AND tenant_id = $2 AND NOT deleted AND ($3::text IS NULL OR name ILIKE $3 OR code ILIKE $3)";
    const order = q.sort.map((s) => `${POOL_CUSTOMER_COLUMNS[s.field]} ${s.direction}`).join(', ');
    const rows = await this.dataSource.query(
      `SELECT customer_id, code, name, owned_since, last_follow_up_at, last_deal_at FROM customer_ledger WHERE ${where} ORDER BY ${order}, customer_id LIMIT $4 OFFSET $5`,
      [pool.id, pool.tenantId, text, q.pageSize, (q.page - 1) * q.pageSize],
    );
    const [{ count }] = await this.dataSource.query(`SELECT count(*) FROM customer_ledger WHERE ${where}`, [pool.id, pool.tenantId, text]);
    return {
      items: rows.map((r: Record<string, never>) => ({
        customerId: r.customer_id,
        code: r.code,
        name: r.name,
        inPoolSince: iso(r.owned_since)!,
        lastFollowUpAt: iso(r.last_follow_up_at),
        lastDealAt: iso(r.last_deal_at),
      })),
      total: Number(count),
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** For the customer's owner, organisation administrators, and those who see the pool holding it; 403 for others. */
  async history(ctx: RequestContext, customerId: string, query: Record<string, unknown>): Promise<Page<OwnershipHistoryEntry>> {
    const q = parseListQuery(query, HISTORY);
    const m = this.dataSource.manager;
    const { tenantId } = ctx.caller;
    const row = await findLedgerRow(m, tenantId, customerId);
    if (!row) throw poolErrors.customerNotFound();
    const viewer = viewerOf(ctx.caller);
    const pool = row.poolId ? await findPool(m, tenantId, 'customer', row.poolId) : undefined;
    if (!viewer.isOrgAdmin && row.ownerId !== viewer.userId && !(pool && canSeePool(pool, viewer))) throw poolErrors.historyForbidden();
    const direction = q.sort[0]?.direction ?? 'DESC';
    const rows = await m.query(
      `SELECT * FROM customer_ownership_history WHERE tenant_id = $1 AND customer_id = $2 ORDER BY at ${direction}, id ${direction} LIMIT $3 OFFSET $4`,
      [tenantId, customerId, q.pageSize, (q.page - 1) * q.pageSize],
    );
    const [{ count }] = await m.query('SELECT count(*) FROM customer_ownership_history WHERE tenant_id = $1 AND customer_id = $2', [tenantId, customerId]);
    return {
      items: rows.map((r: Record<string, never>) => ({
        id: r.id,
        customerId: r.customer_id,
        action: r.action,
        fromOwnerId: r.from_owner_id,
        toOwnerId: r.to_owner_id,
        fromPoolId: r.from_pool_id,
        toPoolId: r.to_pool_id,
        actorId: r.actor_id,
        reason: r.reason,
        at: iso(r.at)!,
      })),
      total: Number(count),
      page: q.page,
      pageSize: q.pageSize,
    };
  }
}
