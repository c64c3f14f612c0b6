import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext, requireAdmin } from '@crm/access';
import { Pool, PoolKind, poolErrors } from '../domain';
import { findPool, updatePool } from '../infrastructure/pool.repository';
import { PoolFields, assertPoolPeople, definedRules, unsetDefaultAudited } from './create-pool.handler';
import { audit } from './ownership-move';

/** Changes a pool (administrators). `rules` replaces the whole set; making it the default unsets the old default. */
@Injectable()
export class UpdatePoolHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, kind: PoolKind, id: string, input: Partial<PoolFields>): Promise<Pool> {
    requireAdmin(ctx.caller, 'Only administrators may change pools.');
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const pool = await findPool(m, tenantId, kind, id, { lock: true });
      if (!pool) throw poolErrors.notFound();
      await assertPoolPeople(m, tenantId, input);
      const before = { ...pool };
      const changes: Partial<Pool> = {};
      if (input.name !== undefined) changes.name = input.name;
      if (input.description !== undefined) changes.description = input.description ?? null;
      if (input.isDefault !== undefined) changes.isDefault = input.isDefault;
      if (input.adminIds !== undefined) changes.adminIds = [...new Set(input.adminIds)];
      if (input.memberIds !== undefined) changes.memberIds = [...new Set(input.memberIds)];
      if (input.tags !== undefined) changes.tags = input.tags;
      if (input.reviewType !== undefined) changes.reviewType = input.reviewType;
      if (input.allocation !== undefined) changes.allocation = input.allocation;
      if (input.rules !== undefined) changes.rules = definedRules(input.rules);
      Object.assign(pool, changes, { updatedBy: userId, updatedAt: new Date().toISOString() });
      if (pool.isDefault && !before.isDefault) await unsetDefaultAudited(m, ctx, kind, pool.id);
      await updatePool(m, pool);
      await audit(m, ctx, { objectType: `${kind}-pool`, objectId: pool.id, action: 'update', before, after: pool });
      return pool;
    });
  }
}
