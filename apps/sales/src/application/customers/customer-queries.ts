import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Caller, RequestContext, ResolvedScope, applyDataScope, requireRecordAccess, resolveScope, scopeCondition } from '@crm/access';
import { ListSpec, Page, UUID_PATTERN, parseListQuery } from '@crm/kernel';
import { CustomerEntity } from '../../infrastructure/customer.entity';
import { CustomerView, customerNotFound, findCustomer, toCustomerView } from './customer-view';
import { applySortAndPage, containsPattern } from '@crm/persistence';

const LIST: ListSpec = {
  sortable: ['name', 'code', 'createdAt', 'updatedAt'],
  filterable: ['ownerId', 'type', 'level', 'q'],
  defaultSort: [{ field: 'updatedAt', direction: 'DESC' }],
};
const RECYCLE_BIN: ListSpec = {
  sortable: ['name', 'code', 'deletedAt'],
  filterable: ['object', 'q'],
  defaultSort: [{ field: 'deletedAt', direction: 'DESC' }],
};
const SORT_COLUMNS: Record<string, string> = { name: 'c.name', code: 'c.code', createdAt: 'c.createdAt', updatedAt: 'c.updatedAt', deletedAt: 'c.deletedAt' };
const LIST_SCOPE = { object: 'customer', action: 'query' } as const;

/** Reads of customers: lists narrowed by the caller's data scope in SQL, single records checked against it. */
@Injectable()
export class CustomerQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<CustomerView>> {
    const q = parseListQuery(query, LIST);
    const empty = { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    const qb = this.dataSource.getRepository(CustomerEntity).createQueryBuilder('c').where('c.deletedAt IS NULL');
    const { ownerId, type, level, q: text } = q.filters;
    if (ownerId !== undefined) {
      if (!UUID_PATTERN.test(ownerId)) return empty;
      qb.andWhere('c.ownerId = :ownerId', { ownerId });
    }
    if (type !== undefined) qb.andWhere('c.type = :type', { type });
    if (level !== undefined) qb.andWhere('c.level = :level', { level });
    if (text) qb.andWhere("(c.name ILIKE :text ESCAPE '\\' OR c.phone ILIKE :text ESCAPE '\\' OR c.code ILIKE :text ESCAPE '\\')", { text: containsPattern(text) });
    const scope = await resolveScope(this.dataSource.manager, ctx.caller, LIST_SCOPE);
    await applyDataScope(qb, ctx.caller, { ...LIST_SCOPE, alias: 'c', resolved: scope });
    applySortAndPage(qb, q, SORT_COLUMNS, 'c.id');
    // The page and the total at once, on two connections. Without filters on other columns, nor
    // shares (which reach beyond owners), the total is a sum of live counters, not a count.
    const fromCounters = type === undefined && level === undefined && !text && !scope.hasGrants;
    const total = fromCounters ? this.liveCount(ctx.caller, scope, ownerId) : qb.clone().getCount();
    const [rows, count] = await Promise.all([qb.getMany(), total]);
    return { items: rows.map(toCustomerView), total: count, page: q.page, pageSize: q.pageSize };
  }

  /**
   * Live customers in the caller's scope (of one owner when given), exact, from the counters the
   * triggers keep (migrations/customer-counts): per department when the scope is departments only
   * (a manager's subtree sums hundreds of rows, not thousands), else per owner.
   */
  private async liveCount(caller: Caller, scope: ResolvedScope, ownerId?: string): Promise<number> {
    const byDepartment =
      ownerId === undefined && scope.levels.every((l) => l === 'DEPARTMENT' || (l === 'DEPARTMENT_AND_SUBDEPARTMENTS' && scope.departmentPath !== null));
    // Without grants the condition tests tenant, owner and the owner's department: the id column is never named,
    // nor, for departments only, the owner.
    const { sql, params } = scopeCondition(caller, LIST_SCOPE, scope, {
      tenant: 'k.tenant_id',
      owner: byDepartment ? 'NULL' : 'k.owner_id',
      ownerDepartment: 'k.department_id',
      id: 'NULL',
    });
    const qb = this.dataSource
      .createQueryBuilder()
      .select('COALESCE(sum(k.live), 0)', 'total')
      .from(byDepartment ? 'customer_department_counts' : 'customer_owner_counts', 'k')
      .where(sql, params);
    if (ownerId !== undefined) qb.andWhere('k.owner_id = :ownerId', { ownerId });
    return Number((await qb.getRawOne<{ total: string }>())!.total);
  }

  async get(ctx: RequestContext, id: string): Promise<CustomerView> {
    const customer = await findCustomer(this.dataSource.manager, ctx.caller.tenantId, id);
    if (!customer) throw customerNotFound();
    await requireRecordAccess(this.dataSource.manager, ctx, 'customer', customer, 'view', customerNotFound);
    return toCustomerView(customer);
  }

  /** The recycle bin: soft-deleted records the caller could restore (those they may edit). */
  async recycleBin(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<CustomerView>> {
    const q = parseListQuery(query, RECYCLE_BIN);
    const { q: text } = q.filters;
    const qb = this.dataSource.getRepository(CustomerEntity).createQueryBuilder('c').where('c.deletedAt IS NOT NULL');
    if (text) qb.andWhere("(c.name ILIKE :text ESCAPE '\\' OR c.phone ILIKE :text ESCAPE '\\' OR c.code ILIKE :text ESCAPE '\\')", { text: containsPattern(text) });
    await applyDataScope(qb, ctx.caller, { object: 'customer', action: 'edit', alias: 'c' });
    applySortAndPage(qb, q, SORT_COLUMNS, 'c.id');
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toCustomerView), total, page: q.page, pageSize: q.pageSize };
  }
}
