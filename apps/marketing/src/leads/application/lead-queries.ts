import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext, applyDataScope, requireRecordAccess } from '@crm/access';
import { LEAD_STATUSES } from '@crm/contracts';
import { ListSpec, Page, UUID_PATTERN, parseListQuery, validationError } from '@crm/kernel';
import { applySortAndPage, containsPattern } from '@crm/persistence';
import { LeadConversionEntity } from '../infrastructure/lead-conversion.entity';
import { LeadFollowUpEntity } from '../infrastructure/lead-follow-up.entity';
import { LeadEntity } from '../infrastructure/lead.entity';
import { LeadFollowUpView, toLeadFollowUpView } from './lead-follow-ups';
import { LeadView, accessRef, findLead, latestConversion, leadNotFound, toLeadView } from './lead-view';

export const LEAD_SORTABLE = ['company', 'name', 'code', 'status', 'createdAt', 'updatedAt'];
const LIST: ListSpec = {
  sortable: LEAD_SORTABLE,
  filterable: ['status', 'ownerId', 'q'],
  defaultSort: [{ field: 'updatedAt', direction: 'DESC' }],
};
const SORT_COLUMNS: Record<string, string> = {
  company: 'l.company', name: 'l.name', code: 'l.code', status: 'l.status', createdAt: 'l.createdAt', updatedAt: 'l.updatedAt',
};

/** Reads of leads: lists narrowed by the caller's `lead` query scope in SQL, single leads checked against the view scope. */
@Injectable()
export class LeadQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<LeadView>> {
    const q = parseListQuery(query, LIST);
    const empty = { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    const qb = this.dataSource.getRepository(LeadEntity).createQueryBuilder('l').where('l.deletedAt IS NULL');
    const { status, ownerId, q: text } = q.filters;
    if (status !== undefined) {
      if (!(LEAD_STATUSES as readonly string[]).includes(status)) throw validationError([{ field: 'status', message: `must be one of: ${LEAD_STATUSES.join(', ')}` }]);
      qb.andWhere('l.status = :status', { status });
    }
    if (ownerId !== undefined) {
      if (!UUID_PATTERN.test(ownerId)) return empty;
      qb.andWhere('l.ownerId = :ownerId', { ownerId });
    }
    if (text) {
      qb.andWhere(
        "(l.company ILIKE :text ESCAPE '\\' OR l.name ILIKE :text ESCAPE '\\' OR l.phone ILIKE :text ESCAPE '\\' OR l.email ILIKE :text ESCAPE '\\' OR l.code ILIKE :text ESCAPE '\\')",
        { text: containsPattern(text) },
      );
    }
    await applyDataScope(qb, ctx.caller, { object: 'lead', action: 'query', alias: 'l' });
    applySortAndPage(qb, q, SORT_COLUMNS, 'l.id');
    const [rows, total] = await qb.getManyAndCount();
    const conversions = await this.latestConversions(rows.map((r) => r.id));
    return { items: rows.map((r) => toLeadView(r, conversions.get(r.id) ?? null)), total, page: q.page, pageSize: q.pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<LeadView> {
    // One snapshot for the lead and its conversion: a conversion completing between two reads would
    // otherwise show as completed beside a lead that is not converted yet.
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const lead = await findLead(m, ctx.caller.tenantId, id);
      if (!lead) throw leadNotFound();
      await requireRecordAccess(m, ctx, 'lead', accessRef(lead), 'view', leadNotFound);
      return toLeadView(lead, await latestConversion(m, lead.id));
    });
  }

  /** A lead's follow-ups, latest first (for those who may view the lead). */
  async followUps(ctx: RequestContext, id: string): Promise<LeadFollowUpView[]> {
    const m = this.dataSource.manager;
    const lead = await findLead(m, ctx.caller.tenantId, id);
    if (!lead) throw leadNotFound();
    await requireRecordAccess(m, ctx, 'lead', accessRef(lead), 'view', leadNotFound);
    const rows = await m.getRepository(LeadFollowUpEntity).find({ where: { tenantId: lead.tenantId, leadId: lead.id }, order: { time: 'DESC', id: 'DESC' } });
    return rows.map(toLeadFollowUpView);
  }

  private async latestConversions(leadIds: string[]): Promise<Map<string, LeadConversionEntity>> {
    if (!leadIds.length) return new Map();
    const rows = await this.dataSource
      .getRepository(LeadConversionEntity)
      .createQueryBuilder('c')
      .distinctOn(['c.leadId'])
      .where('c.leadId IN (:...leadIds)', { leadIds })
      .orderBy('c.leadId')
      .addOrderBy('c.requestedAt', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .getMany();
    return new Map(rows.map((r) => [r.leadId, r]));
  }
}
