import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { claimRefusal, dayStart, poolErrors, reclaimWindowStart } from '../domain';
import { claimQuotaCounts, findLedgerRow, lockQuotasOf } from '../infrastructure/pool.repository';
import { RecordResult, moveCustomer, perCustomer } from './ownership-move';
import { visiblePool } from './pool-access';

/**
 * A member takes customers out of a pool whose allocation lets members claim. Every quota is
 * decided under two locks taken in this order: the claimant's quota lock (their claims run one at a
 * time, so counts read stay true until commit) and the customer's ledger row (two claimants of one
 * customer: the second finds it gone, POOL.NOT_IN_POOL).
 */
@Injectable()
export class ClaimCustomersHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, poolId: string, customerIds: string[]): Promise<{ results: RecordResult[] }> {
    const { tenantId, userId } = ctx.caller;
    const pool = await visiblePool(this.dataSource.manager, ctx.caller, 'customer', poolId);
    if (pool.allocation !== 'claim-and-assign') throw poolErrors.claimsDisabled();
    return perCustomer(this.dataSource, customerIds, async (m, customerId) => {
      await lockQuotasOf(m, tenantId, userId);
      const row = await findLedgerRow(m, tenantId, customerId, { lock: true });
      if (!row || row.deleted) throw poolErrors.customerNotFound();
      if (row.poolId !== pool.id) throw poolErrors.notInPool();
      const now = new Date();
      const refusal = claimRefusal(
        pool.rules,
        await claimQuotaCounts(m, tenantId, userId, {
          poolId: pool.id,
          customerId,
          dayStart: dayStart(now),
          reclaimSince: reclaimWindowStart(pool.rules, now),
          held: pool.rules.maxHeld !== undefined,
          perDay: pool.rules.maxClaimsPerDay !== undefined,
          sameCustomer: pool.rules.maxClaimsSameCustomer !== undefined,
        }),
      );
      if (refusal) throw poolErrors.refused(refusal, pool.rules);
      await moveCustomer(m, ctx, row, { action: 'claim', toOwnerId: userId, toPoolId: null });
    });
  }
}
