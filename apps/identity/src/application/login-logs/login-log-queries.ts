import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FieldError, ListSpec, Page, UUID_PATTERN, instantFilter, parseListQuery, validationError } from '@crm/kernel';
import { ClientType, LoginFailureReason, LoginLogEntity } from '../../infrastructure/login-log.entity';
import { applySortAndPage } from '@crm/persistence';
import { RequestContext, requireAdmin } from '@crm/access';

export interface LoginLogView {
  id: string;
  userId: string | null;
  username: string;
  time: string;
  ip: string | null;
  userAgent: string | null;
  clientType: ClientType;
  success: boolean;
  failureReason: LoginFailureReason | null;
}

const toView = (l: LoginLogEntity): LoginLogView => ({
  id: l.id,
  userId: l.userId,
  username: l.username,
  time: l.attemptedAt.toISOString(),
  ip: l.ip,
  userAgent: l.userAgent,
  clientType: l.clientType,
  success: l.success,
  failureReason: l.failureReason,
});

const LIST: ListSpec = {
  sortable: ['time', 'username'],
  filterable: ['userId', 'username', 'success', 'from', 'to'],
  defaultSort: [{ field: 'time', direction: 'DESC' }],
};
const SORT_COLUMNS: Record<string, string> = { time: 'l.attemptedAt', username: 'l.username' };

/** The login log of the caller's organisation, for administrators. */
@Injectable()
export class LoginLogQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<LoginLogView>> {
    requireAdmin(ctx.caller, 'Only administrators may read the login log.');
    const q = parseListQuery(query, LIST);
    const { userId, username, success, from, to } = q.filters;
    const errors: FieldError[] = [];
    const fromAt = instantFilter('from', from, errors);
    const toAt = instantFilter('to', to, errors);
    if (success !== undefined && success !== 'true' && success !== 'false') errors.push({ field: 'success', message: 'must be true or false' });
    if (errors.length) throw validationError(errors, 'The list parameters are invalid.');

    const empty = { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    const qb = this.dataSource.getRepository(LoginLogEntity).createQueryBuilder('l').where('l.tenantId = :tenantId', { tenantId: ctx.caller.tenantId });
    if (userId !== undefined) {
      if (!UUID_PATTERN.test(userId)) return empty;
      qb.andWhere('l.userId = :userId', { userId });
    }
    if (username !== undefined) qb.andWhere('lower(l.username) = lower(:username)', { username });
    if (success !== undefined) qb.andWhere('l.success = :success', { success: success === 'true' });
    if (fromAt) qb.andWhere('l.attemptedAt >= :fromAt', { fromAt });
    if (toAt) qb.andWhere('l.attemptedAt < :toAt', { toAt });
    applySortAndPage(qb, q, SORT_COLUMNS, 'l.id');
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toView), total, page: q.page, pageSize: q.pageSize };
  }
}
