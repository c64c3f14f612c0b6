import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext, requireAdmin } from '@crm/access';
import { AUDIT_ACTIONS, AuditAction, AuditChange, BUSINESS_SERVICES } from '@crm/contracts';
import { FieldError, ListSpec, Page, UUID_PATTERN, instantFilter, parseListQuery, validationError } from '@crm/kernel';

export interface AuditLogView {
  id: string;
  service: string;
  objectType: string;
  objectId: string;
  action: AuditAction;
  actorId: string | null;
  at: string;
  requestId: string | null;
  ip: string | null;
  changes: AuditChange[];
}

const LIST: ListSpec = {
  sortable: ['at'],
  filterable: ['objectType', 'objectId', 'actorId', 'action', 'service', 'from', 'to'],
  defaultSort: [{ field: 'at', direction: 'DESC' }],
};

/** The operation log of the caller's organisation, for administrators. */
@Injectable()
export class AuditLogQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<AuditLogView>> {
    requireAdmin(ctx.caller, 'Only administrators may read the operation log.');
    const q = parseListQuery(query, LIST);
    const { objectType, objectId, actorId, action, service, from, to } = q.filters;
    const errors: FieldError[] = [];
    const fromAt = instantFilter('from', from, errors);
    const toAt = instantFilter('to', to, errors);
    if (action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(action)) errors.push({ field: 'action', message: `must be one of ${AUDIT_ACTIONS.join(', ')}` });
    if (service !== undefined && !(BUSINESS_SERVICES as readonly string[]).includes(service)) errors.push({ field: 'service', message: `must be one of ${BUSINESS_SERVICES.join(', ')}` });
    if (errors.length) throw validationError(errors, 'The list parameters are invalid.');
    const empty = { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    // An id that is not a uuid names no record or user: nothing matches (not an error, like other lists).
    if ((objectId !== undefined && !UUID_PATTERN.test(objectId)) || (actorId !== undefined && !UUID_PATTERN.test(actorId))) return empty;

    const where = ['tenant_id = $1'];
    const params: unknown[] = [ctx.caller.tenantId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (objectType !== undefined) add('object_type = ?', objectType);
    if (objectId !== undefined) add('object_id = ?', objectId);
    if (actorId !== undefined) add('actor_id = ?', actorId);
    if (action !== undefined) add('action = ?', action);
    if (service !== undefined) add('service = ?', service);
    if (fromAt) add('at >= ?', fromAt);
    if (toAt) add('at < ?', toAt);
    const direction = q.sort[0]?.direction === 'ASC' ? 'ASC' : 'DESC';
    const filter = where.join(' AND ');
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM audit_logs WHERE ${filter}`, params);
    const rows = await this.dataSource.query(
      `SELECT id, service, object_type AS "objectType", object_id AS "objectId", action, actor_id AS "actorId", at, request_id AS "requestId", ip, changes
       FROM audit_logs WHERE ${filter} ORDER BY at ${direction}, id ${direction} LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
      params,
    );
    // jsonb keeps keys in its own order: put each change back as field, before, after.
    const items = rows.map((r: AuditLogView & { at: Date }) => ({
      ...r,
      at: r.at.toISOString(),
      changes: r.changes.map(({ field, before, after }) => ({ field, before, after })),
    }));
    return { items, total, page: q.page, pageSize: q.pageSize };
  }
}
