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
const SORT_COLUMNS: Record<string, string> = { name: 'ct.name', createdAt: 'ct.createdAt', updatedAt: 'ct.updatedAt' };

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
    if (text) qb.andWhere("(ct.name ILIKE :text ESCAPE '\\' OR array_to_string(ct.phones, ' ') ILIKE :text ESCAPE '\\')", { text: containsPattern(text) });
    await applyDataScope(qb, ctx.caller, { object: 'contact', action: 'query', alias: 'ct' });
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
