import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ListSpec, Page, conflict, newId, parseListQuery } from '@crm/kernel';
import { RoleEntity } from '../../infrastructure/role.entity';
import { isUniqueViolation } from '../references';
import { startRole } from './role-data-rules.service';
import { applySortAndPage } from '@crm/persistence';
import { RequestContext, requireAdmin } from '@crm/access';
import { ORGANISATION_ADMIN_ONLY } from '../../domain/identity-rules';

export interface RoleView {
  id: string;
  code: string;
  name: string;
  system: boolean;
  createdAt: string;
}

const toView = (r: RoleEntity): RoleView => ({ id: r.id, code: r.code, name: r.name, system: r.system, createdAt: r.createdAt.toISOString() });

const LIST: ListSpec = { sortable: ['code', 'name', 'createdAt'], filterable: ['code'], defaultSort: [{ field: 'code', direction: 'ASC' }] };
const SORT_COLUMNS: Record<string, string> = { code: 'r.code', name: 'r.name', createdAt: 'r.createdAt' };

/** Roles are reference data with one rule (codes unique per tenant); their data rules have their own service. */
@Injectable()
export class RolesService {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<RoleView>> {
    const q = parseListQuery(query, LIST);
    const qb = this.dataSource.getRepository(RoleEntity).createQueryBuilder('r').where('r.tenantId = :tenantId', { tenantId: ctx.caller.tenantId });
    if (q.filters.code !== undefined) qb.andWhere('r.code = :code', { code: q.filters.code });
    applySortAndPage(qb, q, SORT_COLUMNS, 'r.id');
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toView), total, page: q.page, pageSize: q.pageSize };
  }

  /** A new role starts with SELF for every business object and action (see role-data-rules.service.ts). */
  async create(ctx: RequestContext, input: { code: string; name: string }): Promise<RoleView> {
    requireAdmin(ctx.caller, ORGANISATION_ADMIN_ONLY);
    const tenantId = ctx.caller.tenantId;
    const taken = () => conflict('ROLE.CODE_TAKEN', `A role with code '${input.code}' exists already.`, [{ field: 'code', message: 'is taken' }]);
    try {
      return await this.dataSource.transaction(async (m) => {
        const repo = m.getRepository(RoleEntity);
        if (await repo.existsBy({ tenantId, code: input.code })) throw taken();
        const role = repo.create({ id: newId(), tenantId, code: input.code, name: input.name, system: false, createdAt: new Date() });
        await repo.insert(role);
        await startRole(m, role, ctx.traceparent);
        return toView(role);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'roles_code_unique')) throw taken(); // lost a race with an identical request
      throw err;
    }
  }
}
