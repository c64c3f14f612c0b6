import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ListSpec, Page, UUID_PATTERN, notFound, parseListQuery } from '@crm/kernel';
import { DepartmentEntity } from '../../infrastructure/department.entity';
import { applySortAndPage, containsPattern } from '@crm/persistence';
import { RequestContext } from '@crm/access';

export interface DepartmentView {
  id: string;
  name: string;
  parentId: string | null;
  managerId: string | null;
  path: string;
  createdAt: string;
  updatedAt: string;
}

export const toDepartmentView = (d: DepartmentEntity): DepartmentView => ({
  id: d.id,
  name: d.name,
  parentId: d.parentId,
  managerId: d.managerId,
  path: d.path,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

export const departmentNotFound = () => notFound('DEPARTMENT.NOT_FOUND', 'No such department in your organisation.');

const LIST: ListSpec = { sortable: ['name', 'createdAt'], filterable: ['parentId', 'name'], defaultSort: [{ field: 'name', direction: 'ASC' }] };
const SORT_COLUMNS: Record<string, string> = { name: 'd.name', createdAt: 'd.createdAt' };

/** Reads of the department tree, always within the caller's tenant. */
@Injectable()
export class DepartmentQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<DepartmentView>> {
    const q = parseListQuery(query, LIST);
    const qb = this.dataSource.getRepository(DepartmentEntity).createQueryBuilder('d').where('d.tenantId = :tenantId', { tenantId: ctx.caller.tenantId });
    const { parentId, name } = q.filters;
    if (parentId !== undefined) {
      // `parentId=` (empty) asks for the top-level departments.
      if (parentId === '') qb.andWhere('d.parentId IS NULL');
      else if (!UUID_PATTERN.test(parentId)) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
      else qb.andWhere('d.parentId = :parentId', { parentId });
    }
    if (name !== undefined) qb.andWhere("d.name ILIKE :name ESCAPE '\\'", { name: containsPattern(name) });
    applySortAndPage(qb, q, SORT_COLUMNS, 'd.id');
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toDepartmentView), total, page: q.page, pageSize: q.pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<DepartmentView> {
    if (!UUID_PATTERN.test(id)) throw departmentNotFound();
    const d = await this.dataSource.getRepository(DepartmentEntity).findOneBy({ id, tenantId: ctx.caller.tenantId });
    if (!d) throw departmentNotFound();
    return toDepartmentView(d);
  }
}
