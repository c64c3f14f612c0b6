import { EntityManager } from 'typeorm';
import { DepartmentData, UserData } from '@crm/contracts';
import { DepartmentEntity } from '../infrastructure/department.entity';
import { UserEntity } from '../infrastructure/user.entity';

/** Integration-event payloads, built from rows so events always match what was stored. */
export function departmentData(d: DepartmentEntity): DepartmentData {
  return { id: d.id, tenantId: d.tenantId, name: d.name, parentId: d.parentId, managerId: d.managerId, path: d.path };
}

export function userData(u: UserEntity, roleCodes: string[]): UserData {
  return {
    id: u.id,
    tenantId: u.tenantId,
    username: u.username,
    name: u.name,
    phone: u.phone,
    email: u.email,
    departmentId: u.departmentId,
    superiorId: u.superiorId,
    status: u.status,
    roleCodes,
  };
}

export async function roleCodesOf(m: EntityManager, tenantId: string, userId: string): Promise<string[]> {
  const rows: { code: string }[] = await m.query(
    'SELECT r.code FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.tenant_id = $1 AND ur.user_id = $2 ORDER BY r.code',
    [tenantId, userId],
  );
  return rows.map((r) => r.code);
}
