import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DataRule, RoleCreated, RoleDataRulesChanged, defaultDataRules } from '@crm/contracts';
import { AppError, UUID_PATTERN, notFound } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { completeDataRules, repeatedCombinations } from '../../domain/data-rules';
import { RoleDataRuleEntity } from '../../infrastructure/role-data-rule.entity';
import { RoleEntity } from '../../infrastructure/role.entity';
import { RequestContext, requireAdmin } from '@crm/access';
import { ORGANISATION_ADMIN_ONLY } from '../../domain/identity-rules';

export const roleNotFound = () => notFound('ROLE.NOT_FOUND', 'No such role in your organisation.');

/** Every rule of a role, stored ones over its defaults, in canonical order. */
async function rulesOf(m: EntityManager, role: RoleEntity): Promise<DataRule[]> {
  const stored = await m.getRepository(RoleDataRuleEntity).findBy({ tenantId: role.tenantId, roleId: role.id });
  return completeDataRules(role.code, stored);
}

async function publishRules(m: EntityManager, role: RoleEntity, rules: DataRule[], traceparent?: string): Promise<void> {
  await publishInTransaction(m, RoleDataRulesChanged, {
    tenantId: role.tenantId,
    subject: role.id,
    data: { roleId: role.id, tenantId: role.tenantId, roleCode: role.code, rules },
    traceparent,
  });
}

/**
 * A role just inserted in this transaction: its default data rules (the manual's table for the
 * three default roles, SELF everywhere for any other) and the events that announce both.
 */
export async function startRole(m: EntityManager, role: RoleEntity, traceparent?: string): Promise<void> {
  const rules = defaultDataRules(role.code);
  await m.getRepository(RoleDataRuleEntity).insert(rules.map((r) => ({ tenantId: role.tenantId, roleId: role.id, ...r })));
  await publishInTransaction(m, RoleCreated, { tenantId: role.tenantId, subject: role.id, data: { id: role.id, tenantId: role.tenantId, code: role.code, name: role.name }, traceparent });
  await publishRules(m, role, rules, traceparent);
}

/** Reads and changes of a role's data-scope rules (who sees which records of each business object). */
@Injectable()
export class RoleDataRulesService {
  constructor(private readonly dataSource: DataSource) {}

  async get(ctx: RequestContext, roleId: string): Promise<{ items: DataRule[] }> {
    const m = this.dataSource.manager;
    return { items: await rulesOf(m, await this.findRole(m, ctx.caller.tenantId, roleId)) };
  }

  /** Sets the given combinations, leaves the others; one event with the whole new set when anything changed. */
  async replace(ctx: RequestContext, roleId: string, items: DataRule[]): Promise<{ items: DataRule[] }> {
    requireAdmin(ctx.caller, ORGANISATION_ADMIN_ONLY);
    const repeated = repeatedCombinations(items);
    if (repeated.length) {
      throw new AppError(
        'validation',
        'ROLE.DATA_RULE_REPEATED',
        'Each business object and action may appear once.',
        repeated.map((i) => ({ field: `items[${i}]`, message: `${items[i].object} ${items[i].action} is given more than once` })),
      );
    }
    const tenantId = ctx.caller.tenantId;
    return this.dataSource.transaction(async (m) => {
      // Locks the role: concurrent changes apply, and announce their full sets, one after the other.
      const role = await this.findRole(m, tenantId, roleId, true);
      const changed: unknown[] = await m.query(
        `INSERT INTO role_data_rules AS d (tenant_id, role_id, object, action, scope, updated_at)
         SELECT $1, $2, r.object, r.action, r.scope, now() FROM jsonb_to_recordset($3::jsonb) AS r(object text, action text, scope text)
         ON CONFLICT (role_id, object, action) DO UPDATE SET scope = EXCLUDED.scope, updated_at = now()
           WHERE d.scope IS DISTINCT FROM EXCLUDED.scope
         RETURNING 1`,
        [tenantId, role.id, JSON.stringify(items.map(({ object, action, scope }) => ({ object, action, scope })))],
      );
      const rules = await rulesOf(m, role);
      if (changed.length) await publishRules(m, role, rules, ctx.traceparent);
      return { items: rules };
    });
  }

  private async findRole(m: EntityManager, tenantId: string, id: string, lock = false): Promise<RoleEntity> {
    if (!UUID_PATTERN.test(id)) throw roleNotFound();
    const qb = m.getRepository(RoleEntity).createQueryBuilder('r').where('r.id = :id AND r.tenantId = :tenantId', { id, tenantId });
    if (lock) qb.setLock('pessimistic_write');
    const role = await qb.getOne();
    if (!role) throw roleNotFound();
    return role;
  }
}
