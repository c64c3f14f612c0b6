import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { newId, validationError } from '@crm/kernel';
import { nextCode } from '@crm/persistence';
import { RequestContext, requireAdmin } from '@crm/access';
import { Allocation, POOL_NUMBERING, Pool, PoolKind, PoolRules, ReviewType } from '../domain';
import { insertPool, unknownUsers, unsetDefault } from '../infrastructure/pool.repository';
import { audit } from './ownership-move';

/** What an administrator writes about a pool; the rest (id, code, audit fields) is the server's. */
export interface PoolFields {
  name: string;
  description?: string | null;
  isDefault: boolean;
  adminIds: string[];
  memberIds: string[];
  tags?: string[];
  reviewType: ReviewType;
  allocation: Allocation;
  rules: PoolRules;
}

/** Administrators and members must be users of the organisation. */
export async function assertPoolPeople(m: EntityManager, tenantId: string, fields: Partial<Pick<PoolFields, 'adminIds' | 'memberIds'>>): Promise<void> {
  const errors = [];
  for (const field of ['adminIds', 'memberIds'] as const) {
    const unknown = fields[field] ? await unknownUsers(m, tenantId, fields[field]) : [];
    if (unknown.length) errors.push({ field, message: `No such users in this organisation: ${unknown.join(', ')}` });
  }
  if (errors.length) throw validationError(errors);
}

/** Only defined rules are kept: an absent rule does not apply. */
export const definedRules = (rules: PoolRules): PoolRules =>
  Object.fromEntries(Object.entries(rules).filter(([, v]) => v !== undefined && v !== null)) as PoolRules;

@Injectable()
export class CreatePoolHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, kind: PoolKind, input: PoolFields): Promise<Pool> {
    requireAdmin(ctx.caller, 'Only administrators may create pools.');
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      await assertPoolPeople(m, tenantId, input);
      const now = new Date();
      const pool: Pool = {
        id: newId(),
        tenantId,
        kind,
        code: await nextCode(m, tenantId, `${kind}-pool`, POOL_NUMBERING[kind], now),
        name: input.name,
        description: input.description ?? null,
        isDefault: input.isDefault,
        adminIds: [...new Set(input.adminIds)],
        memberIds: [...new Set(input.memberIds)],
        tags: input.tags ?? [],
        reviewType: input.reviewType,
        allocation: input.allocation,
        rules: definedRules(input.rules),
        createdBy: userId,
        updatedBy: userId,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      if (pool.isDefault) await unsetDefaultAudited(m, ctx, kind, pool.id);
      await insertPool(m, pool);
      await audit(m, ctx, { objectType: `${kind}-pool`, objectId: pool.id, action: 'create', after: pool });
      return pool;
    });
  }
}

/** A new default replaces the old one in the same transaction (the partial unique index would refuse two). */
export async function unsetDefaultAudited(m: EntityManager, ctx: RequestContext, kind: PoolKind, newDefault: string): Promise<void> {
  const previous = await unsetDefault(m, ctx.caller.tenantId, kind, newDefault);
  if (previous) await audit(m, ctx, { objectType: `${kind}-pool`, objectId: previous.id, action: 'update', before: { isDefault: true }, after: { isDefault: false } });
}
