import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ListSpec, Page, UUID_PATTERN, notFound, parseListQuery, unauthenticated } from '@crm/kernel';
import { TenantEntity } from '../../infrastructure/tenant.entity';
import { UserEntity, UserStatus } from '../../infrastructure/user.entity';
import { applySortAndPage, containsPattern } from '@crm/persistence';
import { RequestContext } from '@crm/access';

export interface RoleRef {
  id: string;
  code: string;
  name: string;
}

/** A user as the API shows it: never a password or its hash. */
export interface UserView {
  id: string;
  username: string;
  name: string;
  phone: string | null;
  email: string | null;
  departmentId: string;
  superiorId: string | null;
  status: UserStatus;
  roles: RoleRef[];
  createdAt: string;
  updatedAt: string;
}

export interface MeView extends Omit<UserView, 'createdAt' | 'updatedAt'> {
  tenant: { id: string; code: string; name: string };
}

export const userNotFound = () => notFound('USER.NOT_FOUND', 'No such user in your organisation.');

const LIST: ListSpec = {
  sortable: ['username', 'name', 'createdAt'],
  filterable: ['departmentId', 'status', 'q'],
  defaultSort: [{ field: 'username', direction: 'ASC' }],
};
const SORT_COLUMNS: Record<string, string> = { username: 'u.username', name: 'u.name', createdAt: 'u.createdAt' };

export function toUserView(u: UserEntity, roles: RoleRef[]): UserView {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    phone: u.phone,
    email: u.email,
    departmentId: u.departmentId,
    superiorId: u.superiorId,
    status: u.status,
    roles,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/** Each listed user's roles, in one query for the whole page. */
export async function rolesOfUsers(m: EntityManager, tenantId: string, userIds: string[]): Promise<Map<string, RoleRef[]>> {
  const byUser = new Map<string, RoleRef[]>(userIds.map((id) => [id, []]));
  if (!userIds.length) return byUser;
  const rows: { user_id: string; id: string; code: string; name: string }[] = await m.query(
    `SELECT ur.user_id, r.id, r.code, r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id
      WHERE ur.tenant_id = $1 AND ur.user_id = ANY($2::uuid[]) ORDER BY r.code`,
    [tenantId, userIds],
  );
  for (const r of rows) byUser.get(r.user_id)?.push({ id: r.id, code: r.code, name: r.name });
  return byUser;
}

/** Reads of users, always within the caller's tenant. */
@Injectable()
export class UserQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<UserView>> {
    const q = parseListQuery(query, LIST);
    const tenantId = ctx.caller.tenantId;
    const empty = { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    const qb = this.dataSource.getRepository(UserEntity).createQueryBuilder('u').where('u.tenantId = :tenantId', { tenantId });
    const { departmentId, status, q: text } = q.filters;
    if (departmentId !== undefined) {
      if (!UUID_PATTERN.test(departmentId)) return empty;
      qb.andWhere('u.departmentId = :departmentId', { departmentId });
    }
    if (status !== undefined) qb.andWhere('u.status = :status', { status });
    if (text) qb.andWhere("(u.name ILIKE :text ESCAPE '\\' OR u.username ILIKE :text ESCAPE '\\')", { text: containsPattern(text) });
    applySortAndPage(qb, q, SORT_COLUMNS, 'u.id');
    const [rows, total] = await qb.getManyAndCount();
    const roles = await rolesOfUsers(this.dataSource.manager, tenantId, rows.map((u) => u.id));
    return { items: rows.map((u) => toUserView(u, roles.get(u.id) ?? [])), total, page: q.page, pageSize: q.pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<UserView> {
    if (!UUID_PATTERN.test(id)) throw userNotFound();
    const u = await this.dataSource.getRepository(UserEntity).findOneBy({ id, tenantId: ctx.caller.tenantId });
    if (!u) throw userNotFound();
    const roles = await rolesOfUsers(this.dataSource.manager, u.tenantId, [u.id]);
    return toUserView(u, roles.get(u.id) ?? []);
  }

  async me(ctx: RequestContext): Promise<MeView> {
    const { userId, tenantId } = ctx.caller;
    const [u, tenant] = await Promise.all([
      this.dataSource.getRepository(UserEntity).findOneBy({ id: userId, tenantId }),
      this.dataSource.getRepository(TenantEntity).findOneBy({ id: tenantId }),
    ]);
    // A valid token for a user who no longer exists: the token, not the URL, is what is wrong.
    if (!u || !tenant) throw unauthenticated('AUTH.TOKEN_INVALID', 'The access token names no existing user.');
    const { createdAt: _c, updatedAt: _u, ...view } = toUserView(u, (await rolesOfUsers(this.dataSource.manager, tenantId, [u.id])).get(u.id) ?? []);
    return { ...view, tenant: { id: tenant.id, code: tenant.code, name: tenant.name } };
  }
}
