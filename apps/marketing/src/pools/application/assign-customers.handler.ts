import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { validationError } from '@crm/kernel';
import { claimRefusal, isPoolAdmin, poolErrors } from '../domain';
import { findLedgerRow, heldBy, lockQuotasOf, unknownUsers } from '../infrastructure/pool.repository';
import { RecordResult, moveCustomer, perCustomer } from './ownership-move';
import { viewerOf, visiblePool } from './pool-access';

/**
 * A pool administrator (or an organisation administrator) gives customers of the pool to a user,
 * in either allocation mode. The receiver's hold limit applies (counted under their quota lock);
 * the claim limits do not, an assignment not being a claim.
 */
@Injectable()
export class AssignCustomersHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, poolId: string, customerIds: string[], toUserId: string): Promise<{ results: RecordResult[] }> {
    const { tenantId } = ctx.caller;
    const pool = await visiblePool(this.dataSource.manager, ctx.caller, 'customer', poolId);
    if (!isPoolAdmin(pool, viewerOf(ctx.caller))) throw poolErrors.notAdmin();
    if ((await unknownUsers(this.dataSource.manager, tenantId, [toUserId])).length) throw validationError([{ field: 'userId', message: 'No such user in this organisation.' }]);
    return perCustomer(this.dataSource, customerIds, async (m, customerId) => {
      await lockQuotasOf(m, tenantId, toUserId);
      const row = await findLedgerRow(m, tenantId, customerId, { lock: true });
      if (!row || row.deleted) throw poolErrors.customerNotFound();
      if (row.poolId !== pool.id) throw poolErrors.notInPool();
      const held = pool.rules.maxHeld === undefined ? 0 : await heldBy(m, tenantId, toUserId);
      const refusal = claimRefusal({ maxHeld: pool.rules.maxHeld }, { held, claimsToday: 0, claimsOfCustomer: 0 });
      if (refusal) throw poolErrors.refused(refusal, pool.rules);
      await moveCustomer(m, ctx, row, { action: 'assign', toOwnerId: toUserId, toPoolId: null });
    });
  }
}
