import { EntityManager, In } from 'typeorm';
import { AppError, UUID_PATTERN } from '@crm/kernel';
import { DepartmentEntity } from '../infrastructure/department.entity';
import { RoleEntity } from '../infrastructure/role.entity';
import { UserEntity } from '../infrastructure/user.entity';

/**
 * Ids named in a request body must exist in the caller's tenant; otherwise it is a 400 that names
 * the field (the resource in the URL exists, the request is what is wrong).
 */
const missing = (code: string, field: string, what: string) =>
  new AppError('validation', code, `No such ${what} in your organisation.`, [{ field, message: `no such ${what}` }]);

export async function findInTenant<T extends DepartmentEntity | UserEntity | RoleEntity>(
  m: EntityManager,
  entity: new () => T,
  tenantId: string,
  id: string,
): Promise<T | null> {
  if (!UUID_PATTERN.test(id)) return null;
  return m.getRepository(entity).findOne({ where: { id, tenantId } as never });
}

export async function requireDepartment(m: EntityManager, tenantId: string, id: string, code: string, field: string): Promise<DepartmentEntity> {
  const d = await findInTenant(m, DepartmentEntity, tenantId, id);
  if (!d) throw missing(code, field, 'department');
  return d;
}

export async function requireUser(m: EntityManager, tenantId: string, id: string, code: string, field: string): Promise<UserEntity> {
  const u = await findInTenant(m, UserEntity, tenantId, id);
  if (!u) throw missing(code, field, 'user');
  return u;
}

/** The roles, in the order given; every id must be one of the tenant's roles. */
export async function requireRoles(m: EntityManager, tenantId: string, ids: string[]): Promise<RoleEntity[]> {
  const unique = [...new Set(ids)];
  const found = unique.every((id) => UUID_PATTERN.test(id)) ? await m.getRepository(RoleEntity).findBy({ tenantId, id: In(unique) }) : [];
  const byId = new Map(found.map((r) => [r.id, r]));
  const errors = ids.flatMap((id, i) => (byId.has(id) ? [] : [{ field: `roleIds[${i}]`, message: 'no such role' }]));
  if (errors.length) throw new AppError('validation', 'USER.ROLE_NOT_FOUND', 'No such role in your organisation.', errors);
  return unique.map((id) => byId.get(id)!);
}

/** Postgres unique_violation on the named constraint or index. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' && (e.driverError?.constraint ?? e.constraint) === constraint;
}
