import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ListSpec, Page, conflict, newId, parseListQuery } from '@crm/kernel';
import { RoleEntity } from '../../infrastructure/role.entity';
import { applySortAndPage } from '../list-helpers';
import { RequestContext, requireAdmin } from '../request-context';
import { isUniqueViolation } from '../references';

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

/** Roles are reference data with one rule (codes unique per tenant), so one flat service. */
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

  async create(ctx: RequestContext, input: { code: string; name: string }): Promise<RoleView> {
    requireAdmin(ctx.caller);
    const repo = this.dataSource.getRepository(RoleEntity);
    const taken = () => conflict('ROLE.CODE_TAKEN', `A role with code '${input.code}' exists already.`, [{ field: 'code', message: 'is taken' }]);
    if (await repo.existsBy({ tenantId: ctx.caller.tenantId, code: input.code })) throw taken();
    const role = repo.create({ id: newId(), tenantId: ctx.caller.tenantId, code: input.code, name: input.name, system: false, createdAt: new Date() });
    try {
      await repo.insert(role);
    } catch (err) {
      if (isUniqueViolation(err, 'roles_code_unique')) throw taken(); // lost a race with an identical request
      throw err;
    }
    return toView(role);
  }
}
