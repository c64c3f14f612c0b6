import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { ListSpec, Page, UUID_PATTERN, notFound, parseListQuery, validationError } from '@crm/kernel';

export interface NotificationView {
  id: string;
  service: string;
  kind: string;
  title: string;
  body: string;
  subject: { objectType: string; objectId: string } | null;
  at: string;
  readAt: string | null;
}

const LIST: ListSpec = { sortable: ['at'], filterable: ['unread', 'kind'], defaultSort: [{ field: 'at', direction: 'DESC' }] };

interface Row {
  id: string;
  service: string;
  kind: string;
  title: string;
  body: string;
  subject_type: string | null;
  subject_id: string | null;
  at: Date;
  read_at: Date | null;
}

const toView = (r: Row): NotificationView => ({
  id: r.id,
  service: r.service,
  kind: r.kind,
  title: r.title,
  body: r.body,
  subject: r.subject_type && r.subject_id ? { objectType: r.subject_type, objectId: r.subject_id } : null,
  at: r.at.toISOString(),
  readAt: r.read_at ? r.read_at.toISOString() : null,
});

/** The caller's own inbox: nobody reads another's, administrators included. */
@Injectable()
export class NotificationInbox {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<NotificationView> & { unread: number }> {
    const q = parseListQuery(query, LIST);
    const { unread, kind } = q.filters;
    if (unread !== undefined && unread !== 'true' && unread !== 'false') throw validationError([{ field: 'unread', message: 'must be true or false' }]);
    const where = ['tenant_id = $1', 'recipient_id = $2'];
    const params: unknown[] = [ctx.caller.tenantId, ctx.caller.userId];
    if (unread === 'true') where.push('read_at IS NULL');
    if (unread === 'false') where.push('read_at IS NOT NULL');
    if (kind !== undefined) where.push(`kind = $${params.push(kind)}`);
    const direction = q.sort[0]?.direction === 'ASC' ? 'ASC' : 'DESC';
    const [counts] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE ${where.join(' AND ')})::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread
       FROM notifications WHERE tenant_id = $1 AND recipient_id = $2`,
      params,
    );
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM notifications WHERE ${where.join(' AND ')} ORDER BY at ${direction}, id ${direction} LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
      params,
    );
    return { items: rows.map(toView), total: counts.total, unread: counts.unread, page: q.page, pageSize: q.pageSize };
  }

  async markRead(ctx: RequestContext, id: string): Promise<NotificationView> {
    const missing = () => notFound('NOTIFICATION.NOT_FOUND', 'No such notification in your inbox.');
    if (!UUID_PATTERN.test(id)) throw missing();
    const [row] = await this.dataSource.query(
      `WITH marked AS (UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE tenant_id = $1 AND recipient_id = $2 AND id = $3 RETURNING *) SELECT * FROM marked`,
      [ctx.caller.tenantId, ctx.caller.userId, id],
    );
    if (!row) throw missing();
    return toView(row);
  }

  async markAllRead(ctx: RequestContext): Promise<{ marked: number }> {
    const [{ marked }] = await this.dataSource.query(
      `WITH marked AS (UPDATE notifications SET read_at = now() WHERE tenant_id = $1 AND recipient_id = $2 AND read_at IS NULL RETURNING 1) SELECT count(*)::int AS marked FROM marked`,
      [ctx.caller.tenantId, ctx.caller.userId],
    );
    return { marked };
  }
}
