import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext, applyDataScope, requireRecordAccess } from '@crm/access';
import { ListSpec, Page, UUID_PATTERN, parseListQuery } from '@crm/kernel';
import { ContactEntity } from '../../infrastructure/contact.entity';
import { ContactView, contactNotFound, findContact, toContactView } from './contact-view';
import { applySortAndPage, containsPattern } from '@crm/persistence';

const LIST: ListSpec = {
  sortable: ['name', 'createdAt', 'updatedAt'],
  filterable: ['customerId', 'q'],
  defaultSort: [{ field: 'updatedAt', direction: 'DESC' }],
};
const RECYCLE_BIN: ListSpec = {
  sortable: ['name', 'deletedAt'],
  filterable: ['object', 'q'],
  defaultSort: [{ field: 'deletedAt', direction: 'DESC' }],
};
const SORT_COLUMNS: Record<string, string> = { name: 'ct.name', createdAt: 'ct.createdAt', updatedAt: 'ct.updatedAt', deletedAt: 'ct.deletedAt' };
const TEXT_MATCH = "(ct.name ILIKE :text ESCAPE '\\' OR array_to_string(ct.phones, ' ') ILIKE :text ESCAPE '\\')";

@Injectable()
export class ContactQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<ContactView>> {
    const q = parseListQuery(query, LIST);
    const empty = { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    const qb = this.dataSource.getRepository(ContactEntity).createQueryBuilder('ct').where('ct.deletedAt IS NULL');
    const { customerId, q: text } = q.filters;
    if (customerId !== undefined) {
      if (!UUID_PATTERN.test(customerId)) return empty;
      qb.andWhere('ct.customerId = :customerId', { customerId });
    }
    if (text) qb.andWhere(TEXT_MATCH, { text: containsPattern(text) });
    await applyDataScope(qb, ctx.caller, { object: 'contact', action: 'query', alias: 'ct' });
    applySortAndPage(qb, q, SORT_COLUMNS, 'ct.id');
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toContactView), total, page: q.page, pageSize: q.pageSize };
  }

  /**
   * Contacts deleted on their own, which the caller may restore (edit). Those deleted with their
   * customer come back with it, so they are listed under the customer, not here.
   */
  async recycleBin(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<ContactView>> {
    const q = parseListQuery(query, RECYCLE_BIN);
    const qb = this.dataSource.getRepository(ContactEntity).createQueryBuilder('ct')
      .where('ct.deletedAt IS NOT NULL')
      .andWhere('EXISTS (SELECT 1 FROM customers c WHERE c.id = ct.customer_id AND c.tenant_id = ct.tenant_id AND c.deleted_at IS NULL)');
    if (q.filters.q) qb.andWhere(TEXT_MATCH, { text: containsPattern(q.filters.q) });
    await applyDataScope(qb, ctx.caller, { object: 'contact', action: 'edit', alias: 'ct' });
    applySortAndPage(qb, q, SORT_COLUMNS, 'ct.id');
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toContactView), total, page: q.page, pageSize: q.pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<ContactView> {
    const contact = await findContact(this.dataSource.manager, ctx.caller.tenantId, id);
    if (!contact) throw contactNotFound();
    await requireRecordAccess(this.dataSource.manager, ctx, 'contact', contact, 'view', contactNotFound);
    return toContactView(contact);
  }
}
