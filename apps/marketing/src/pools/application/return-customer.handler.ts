import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { poolErrors } from '../domain';
import { findDefaultPool, findLedgerRow, findPool } from '../infrastructure/pool.repository';
import { moveCustomer } from './ownership-move';
import { viewerOf } from './pool-access';

export interface ReturnedCustomer {
  customerId: string;
  poolId: string;
}

/** The owner (or an administrator) gives a customer back to a pool, with a reason: the one named, else the organisation's default pool. */
@Injectable()
export class ReturnCustomerHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, customerId: string, reason: string, poolId?: string): Promise<ReturnedCustomer> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const row = await findLedgerRow(m, tenantId, customerId, { lock: true });
      if (!row || row.deleted) throw poolErrors.customerNotFound();
      if (row.ownerId !== userId && !viewerOf(ctx.caller).isOrgAdmin) throw poolErrors.notOwner();
      if (row.ownerId === null) throw poolErrors.alreadyInPool();
      const pool = poolId !== undefined ? await findPool(m, tenantId, 'customer', poolId) : await findDefaultPool(m, tenantId, 'customer');
      if (!pool) throw poolId !== undefined ? poolErrors.notFound() : poolErrors.noDefaultPool();
      await moveCustomer(m, ctx, row, { action: 'return', toOwnerId: null, toPoolId: pool.id, reason });
      return { customerId, poolId: pool.id };
    });
  }
}
