import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext, applyDataScope, requireRecordAccess } from '@crm/access';
import { ListSpec, Page, UUID_PATTERN, parseListQuery } from '@crm/kernel';
import { FollowUpEntity } from '../../infrastructure/follow-up.entity';
import { FollowUpView, findFollowUp, followUpNotFound, toFollowUpView } from './follow-up-view';
import { applySortAndPage } from '@crm/persistence';

const LIST: ListSpec = {
  sortable: ['time', 'createdAt'],
  filterable: ['customerId'],
  defaultSort: [{ field: 'time', direction: 'DESC' }],
};
const SORT_COLUMNS: Record<string, string> = { time: 'f.time', createdAt: 'f.createdAt' };

@Injectable()
export class FollowUpQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<FollowUpView>> {
    const q = parseListQuery(query, LIST);
    const empty = { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    const qb = this.dataSource.getRepository(FollowUpEntity).createQueryBuilder('f').where('f.deletedAt IS NULL');
    const { customerId } = q.filters;
    if (customerId !== undefined) {
      if (!UUID_PATTERN.test(customerId)) return empty;
      qb.andWhere('f.customerId = :customerId', { customerId });
    }
    await applyDataScope(qb, ctx.caller, { object: 'follow-up', action: 'query', alias: 'f' });
    applySortAndPage(qb, q, SORT_COLUMNS, 'f.id');
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toFollowUpView), total, page: q.page, pageSize: q.pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<FollowUpView> {
    const m = this.dataSource.manager;
    const followUp = await findFollowUp(m, ctx.caller.tenantId, id);
    if (!followUp) throw followUpNotFound();
    await requireRecordAccess(m, ctx, 'follow-up', followUp, 'view', followUpNotFound);
    return toFollowUpView(followUp);
  }
}
