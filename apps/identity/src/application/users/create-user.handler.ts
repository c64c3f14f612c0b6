import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UserCreated } from '@crm/contracts';
import { conflict, newId } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { hashPassword } from '../../infrastructure/password-hasher';
import { UserEntity, UserRoleEntity } from '../../infrastructure/user.entity';
import { userData } from '../event-data';
import { isUniqueViolation, requireDepartment, requireRoles, requireUser } from '../references';
import { UserView, toUserView } from './user-queries';
import { RequestContext, requireAdmin } from '@crm/access';
import { ORGANISATION_ADMIN_ONLY } from '../../domain/identity-rules';

export interface CreateUserInput {
  username: string;
  password: string;
  name: string;
  phone?: string | null;
  email?: string | null;
  departmentId: string;
  superiorId?: string | null;
  roleIds: string[];
}

export const usernameTaken = (username: string) =>
  conflict('USER.USERNAME_TAKEN', `The username '${username}' is taken in your organisation.`, [{ field: 'username', message: 'is taken' }]);

@Injectable()
export class CreateUserHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, input: CreateUserInput): Promise<UserView> {
    requireAdmin(ctx.caller, ORGANISATION_ADMIN_ONLY);
    const tenantId = ctx.caller.tenantId;
    const passwordHash = await hashPassword(input.password); // slow on purpose: outside the transaction
    try {
      return await this.dataSource.transaction(async (m) => {
        const taken: unknown[] = await m.query('SELECT 1 FROM users WHERE tenant_id = $1 AND lower(username) = lower($2)', [tenantId, input.username]);
        if (taken.length) throw usernameTaken(input.username);
        await requireDepartment(m, tenantId, input.departmentId, 'USER.DEPARTMENT_NOT_FOUND', 'departmentId');
        if (input.superiorId) await requireUser(m, tenantId, input.superiorId, 'USER.SUPERIOR_NOT_FOUND', 'superiorId');
        const roles = await requireRoles(m, tenantId, input.roleIds);
        const now = new Date();
        const user = m.getRepository(UserEntity).create({
          id: newId(),
          tenantId,
          username: input.username,
          passwordHash,
          name: input.name,
          phone: input.phone ?? null,
          email: input.email ?? null,
          departmentId: input.departmentId,
          superiorId: input.superiorId ?? null,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        });
        await m.getRepository(UserEntity).insert(user);
        if (roles.length) await m.getRepository(UserRoleEntity).insert(roles.map((r) => ({ tenantId, userId: user.id, roleId: r.id })));
        const roleCodes = roles.map((r) => r.code).sort();
        await publishInTransaction(m, UserCreated, { tenantId, subject: user.id, data: userData(user, roleCodes), traceparent: ctx.traceparent });
        return toUserView(user, roles.map((r) => ({ id: r.id, code: r.code, name: r.name })));
      });
    } catch (err) {
      if (isUniqueViolation(err, 'users_tenant_username')) throw usernameTaken(input.username); // lost a race with the same username
      throw err;
    }
  }
}
