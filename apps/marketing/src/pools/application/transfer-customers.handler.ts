import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { isPoolAdmin, poolErrors } from '../domain';
import { findLedgerRow, findPool } from '../infrastructure/pool.repository';
import { RecordResult, moveCustomer, perCustomer } from './ownership-move';
import { viewerOf, visiblePool } from './pool-access';

/** Moves pooled customers from one pool to another: administrators of the source pool, or organisation administrators. */
@Injectable()
export class TransferCustomersHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, poolId: string, customerIds: string[], toPoolId: string, reason?: string): Promise<{ results: RecordResult[] }> {
    const { tenantId } = ctx.caller;
    const pool = await visiblePool(this.dataSource.manager, ctx.caller, 'customer', poolId);
    if (!isPoolAdmin(pool, viewerOf(ctx.caller))) throw poolErrors.notAdmin();
    const target = await findPool(this.dataSource.manager, tenantId, 'customer', toPoolId);
    if (!target) throw poolErrors.notFound();
    if (target.id === pool.id) throw poolErrors.samePool();
    return perCustomer(this.dataSource, customerIds, async (m, customerId) => {
      const row = await findLedgerRow(m, tenantId, customerId, { lock: true });
      if (!row || row.deleted) throw poolErrors.customerNotFound();
      if (row.poolId !== pool.id) throw poolErrors.notInPool();
      await moveCustomer(m, ctx, row, { action: 'transfer', toOwnerId: null, toPoolId: target.id, reason: reason ?? null });
    });
  }
}
