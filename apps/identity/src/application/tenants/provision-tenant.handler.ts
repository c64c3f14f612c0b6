import { DataSource } from 'typeorm';
import { DepartmentCreated, TenantCreated, UserCreated } from '@crm/contracts';
import { AppError, conflict, newId } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { departmentPath } from '../../domain/department-tree';
import { ADMIN_ROLE, PASSWORD_MIN_LENGTH, SYSTEM_ROLES, TENANT_ADMIN_USERNAME, isValidTenantCode } from '../../domain/identity-rules';
import { DepartmentEntity } from '../../infrastructure/department.entity';
import { hashPassword } from '../../infrastructure/password-hasher';
import { RoleEntity } from '../../infrastructure/role.entity';
import { TenantEntity } from '../../infrastructure/tenant.entity';
import { UserEntity, UserRoleEntity } from '../../infrastructure/user.entity';
import { departmentData, userData } from '../event-data';
import { startRole } from '../roles/role-data-rules.service';

export interface ProvisionTenantInput {
  code: string;
  name: string;
  adminPassword: string;
  /** Only when the tenants table is empty (the boot seed); returns null if it is not. */
  onlyIfNoTenants?: boolean;
}

export interface ProvisionedTenant {
  tenant: { id: string; code: string; name: string };
  admin: { id: string; username: string };
}

/**
 * A new business organisation, ready to sign in to: its system roles (with the manual's default
 * data rules), its root department and an administrator. The rows and their events commit
 * together (the service's relay publishes them).
 * Plain class, not only a Nest provider: the operator CLI runs it against the database directly.
 */
export class ProvisionTenantHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(input: ProvisionTenantInput): Promise<ProvisionedTenant | null> {
    const code = input.code.trim();
    const name = input.name.trim();
    if (!isValidTenantCode(code)) {
      throw new AppError('validation', 'TENANT.CODE_INVALID', 'A tenant code is 2-32 lowercase letters, digits and dashes.', [
        { field: 'code', message: 'must be 2-32 lowercase letters, digits and dashes' },
      ]);
    }
    if (!name) throw new AppError('validation', 'TENANT.NAME_INVALID', 'A tenant needs a name.', [{ field: 'name', message: 'must not be empty' }]);
    if (input.adminPassword.length < PASSWORD_MIN_LENGTH) {
      throw new AppError('validation', 'USER.PASSWORD_TOO_SHORT', `Passwords have at least ${PASSWORD_MIN_LENGTH} characters.`, [
        { field: 'password', message: `must be at least ${PASSWORD_MIN_LENGTH} characters` },
      ]);
    }
    const passwordHash = await hashPassword(input.adminPassword);

    return this.dataSource.transaction(async (m) => {
      // Serialises tenant creation, so the boot seed of two replicas cannot both create `demo`.
      await m.query("SELECT pg_advisory_xact_lock(hashtext('identity.tenants'))");
      if (input.onlyIfNoTenants && (await m.getRepository(TenantEntity).exists())) return null;
      if (await m.getRepository(TenantEntity).existsBy({ code })) throw conflict('TENANT.CODE_TAKEN', `A tenant with code '${code}' exists already.`);

      const tenant = m.getRepository(TenantEntity).create({ id: newId(), code, name });
      await m.getRepository(TenantEntity).insert(tenant);
      await publishInTransaction(m, TenantCreated, { tenantId: tenant.id, subject: tenant.id, data: { id: tenant.id, code, name } });

      const roles = SYSTEM_ROLES.map((r) => m.getRepository(RoleEntity).create({ id: newId(), tenantId: tenant.id, code: r.code, name: r.name, system: true }));
      await m.getRepository(RoleEntity).insert(roles);
      for (const role of roles) await startRole(m, role);

      const rootId = newId();
      const root = m.getRepository(DepartmentEntity).create({ id: rootId, tenantId: tenant.id, name, parentId: null, managerId: null, path: departmentPath(rootId, null) });
      await m.getRepository(DepartmentEntity).insert(root);
      await publishInTransaction(m, DepartmentCreated, { tenantId: tenant.id, subject: root.id, data: departmentData(root) });

      const admin = m.getRepository(UserEntity).create({
        id: newId(),
        tenantId: tenant.id,
        username: TENANT_ADMIN_USERNAME,
        passwordHash,
        name: 'Administrator',
        phone: null,
        email: null,
        departmentId: root.id,
        superiorId: null,
        status: 'active',
      });
      await m.getRepository(UserEntity).insert(admin);
      const adminRole = roles.find((r) => r.code === ADMIN_ROLE)!;
      await m.getRepository(UserRoleEntity).insert({ tenantId: tenant.id, userId: admin.id, roleId: adminRole.id });
      await publishInTransaction(m, UserCreated, { tenantId: tenant.id, subject: admin.id, data: userData(admin, [ADMIN_ROLE]) });

      return { tenant: { id: tenant.id, code, name }, admin: { id: admin.id, username: admin.username } };
    });
  }
}
