import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { isPoolAdmin, poolErrors } from '../domain';
import { RecycleRuleName } from '../domain/recycle-rules';
import { DueRecord, findDue } from '../infrastructure/pool-rules.repository';
import { viewerOf, visiblePool } from './pool-access';

/** A customer the rules engine would act on, and why. */
export interface DueEntry {
  customerId: string;
  code: string;
  name: string;
  ownerId: string;
  rule: RecycleRuleName;
  days: number;
  clockStartedAt: string;
  dueAt: string;
}

export interface RecyclePreview {
  asOf: string;
  poolId: string;
  reminders: DueEntry[];
  returns: DueEntry[];
}

const entry = (r: DueRecord): DueEntry => ({
  customerId: r.customerId, code: r.code, name: r.name, ownerId: r.ownerId, rule: r.rule, days: r.days, clockStartedAt: r.clockStartedAt, dueAt: r.dueAt,
});

/**
 * What a run of the rules engine at `asOf` would do to the customers a pool governs, changing
 * nothing: the job's own selection (`dueSql`), so a run at that instant does exactly this.
 */
@Injectable()
export class RecyclePreviewQuery {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, poolId: string, asOf: Date): Promise<RecyclePreview> {
    const m = this.dataSource.manager;
    const pool = await visiblePool(m, ctx.caller, 'customer', poolId);
    if (!isPoolAdmin(pool, viewerOf(ctx.caller))) throw poolErrors.notAdmin();
    const due = await findDue(m, { tenantId: pool.tenantId, asOf, poolId: pool.id });
    return {
      asOf: asOf.toISOString(),
      poolId: pool.id,
      reminders: due.filter((d) => d.kind === 'reminder').map(entry),
      returns: due.filter((d) => d.kind === 'return').map(entry),
    };
  }
}
