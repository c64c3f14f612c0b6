import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { forbidden } from '@crm/kernel';
import { canSeePool, poolErrors } from '../domain';
import { RecycleRuleName, RuleOutcome, clockStarts, nextOutcomes, ruleOutcomes } from '../domain/recycle-rules';
import { findLedgerRow, findPool } from '../infrastructure/pool.repository';
import { governingPoolOf, remindersSent } from '../infrastructure/pool-rules.repository';
import { viewerOf } from './pool-access';

export interface NextRule {
  rule: RecycleRuleName;
  days: number;
  clockStartedAt: string;
  dueAt: string;
}

/** Where a customer stands with the pools' rules: for its owner, when and why it would go back. */
export interface PoolStatus {
  customerId: string;
  ownerId: string | null;
  /** The pool holding it (a pooled customer has no owner and no clocks). */
  poolId: string | null;
  /** For an owned customer: the pool whose rules apply and to which it would return. */
  governingPoolId: string | null;
  clocks: { noFollowUpSince: string; noDealSince: string } | null;
  /** The return rule that comes first (due already when `dueAt` is past: the next run applies it). */
  nextReturn: NextRule | null;
  /** The first reminder to its pool's administrators still to be sent before that return. */
  nextReminder: NextRule | null;
}

const next = (o: RuleOutcome | null): NextRule | null =>
  o && { rule: o.rule, days: o.days, clockStartedAt: o.clockStartedAt.toISOString(), dueAt: o.dueAt.toISOString() };

/**
 * A customer's pool status, from the same rules as the job (domain/recycle-rules.ts). Its owner,
 * organisation administrators and, while it is pooled, those who see the pool may read it
 * (x-pool-access: customer-owner, like its ownership history); others in the organisation get 403.
 */
@Injectable()
export class PoolStatusQuery {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, customerId: string): Promise<PoolStatus> {
    const m = this.dataSource.manager;
    const { tenantId } = ctx.caller;
    const row = await findLedgerRow(m, tenantId, customerId);
    if (!row || row.deleted) throw poolErrors.customerNotFound();
    const viewer = viewerOf(ctx.caller);
    const holding = row.poolId ? await findPool(m, tenantId, 'customer', row.poolId) : undefined;
    if (!viewer.isOrgAdmin && row.ownerId !== viewer.userId && !(holding && canSeePool(holding, viewer))) {
      throw forbidden('AUTH.FORBIDDEN', 'Only the customer\u2019s owner, administrators and those who see the pool holding it may read its pool status.');
    }
    const status: PoolStatus = { customerId, ownerId: row.ownerId, poolId: row.poolId, governingPoolId: null, clocks: null, nextReturn: null, nextReminder: null };
    if (row.ownerId === null) return status;

    const clocks = { ownedSince: new Date(row.ownedSince), lastFollowUpAt: row.lastFollowUpAt && new Date(row.lastFollowUpAt), lastDealAt: row.lastDealAt && new Date(row.lastDealAt) };
    const starts = clockStarts(clocks);
    status.clocks = { noFollowUpSince: starts.noFollowUpSince.toISOString(), noDealSince: starts.noDealSince.toISOString() };
    status.governingPoolId = await governingPoolOf(m, tenantId, customerId);
    const governing = status.governingPoolId ? await findPool(m, tenantId, 'customer', status.governingPoolId) : undefined;
    if (!governing) return status;
    const sent = await remindersSent(m, customerId);
    const reminded = (o: RuleOutcome) => sent.some((s) => s.rule === o.rule && s.clockStartedAt.getTime() === o.clockStartedAt.getTime());
    const { nextReturn, nextReminder } = nextOutcomes(ruleOutcomes(governing.rules, clocks), reminded);
    status.nextReturn = next(nextReturn);
    status.nextReminder = next(nextReminder);
    return status;
  }
}
