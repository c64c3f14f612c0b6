import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UserUpdated } from '@crm/contracts';
import { conflict } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { superiorChainHasCycle } from '../../domain/superior-chain';
import { UserEntity, UserRoleEntity, UserStatus } from '../../infrastructure/user.entity';
import { userData } from '../event-data';
import { findInTenant, requireDepartment, requireRoles, requireUser } from '../references';
import { UserView, rolesOfUsers, toUserView, userNotFound } from './user-queries';
import { RequestContext, requireAdmin } from '@crm/access';
import { ORGANISATION_ADMIN_ONLY } from '../../domain/identity-rules';

/** Absent fields stay as they are; `null` clears phone, email or superior. */
export interface UpdateUserInput {
  name?: string;
  phone?: string | null;
  email?: string | null;
  departmentId?: string;
  superiorId?: string | null;
  roleIds?: string[];
  status?: UserStatus;
}

@Injectable()
export class UpdateUserHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, id: string, input: UpdateUserInput): Promise<UserView> {
    requireAdmin(ctx.caller, ORGANISATION_ADMIN_ONLY);
    const tenantId = ctx.caller.tenantId;
    return this.dataSource.transaction(async (m) => {
      if (input.superiorId !== undefined) {
        // Two concurrent changes (A reports to B, B reports to A) would each pass the check alone.
        await m.query("SELECT pg_advisory_xact_lock(hashtext('identity.superiors:' || $1))", [tenantId]);
      }
      const user = await findInTenant(m, UserEntity, tenantId, id);
      if (!user) throw userNotFound();

      if (input.departmentId !== undefined) await requireDepartment(m, tenantId, input.departmentId, 'USER.DEPARTMENT_NOT_FOUND', 'departmentId');
      if (input.superiorId) {
        await requireUser(m, tenantId, input.superiorId, 'USER.SUPERIOR_NOT_FOUND', 'superiorId');
        if (superiorChainHasCycle(user.id, input.superiorId, await this.superiorChain(m, tenantId, input.superiorId))) {
          throw conflict('USER.SUPERIOR_CYCLE', 'The user would end up above themselves in the reporting line.', [
            { field: 'superiorId', message: 'is the user or reports to the user' },
          ]);
        }
      }
      if (input.roleIds !== undefined) {
        const roles = await requireRoles(m, tenantId, input.roleIds);
        await m.getRepository(UserRoleEntity).delete({ tenantId, userId: id });
        if (roles.length) await m.getRepository(UserRoleEntity).insert(roles.map((r) => ({ tenantId, userId: id, roleId: r.id })));
      }

      const changes: Partial<UserEntity> = {};
      for (const key of ['name', 'phone', 'email', 'departmentId', 'superiorId', 'status'] as const) {
        if (input[key] !== undefined) Object.assign(changes, { [key]: input[key] });
      }
      Object.assign(user, changes, { updatedAt: new Date() });
      await m.getRepository(UserEntity).update({ id, tenantId }, { ...changes, updatedAt: user.updatedAt });
      if (changes.status === 'disabled') {
        // A disabled user's sessions end now; their access tokens lapse within their short lifetime.
        await m.query('UPDATE refresh_tokens SET revoked_at = now() WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL', [tenantId, id]);
      }

      const roles = (await rolesOfUsers(m, tenantId, [id])).get(id) ?? [];
      await publishInTransaction(m, UserUpdated, { tenantId, subject: id, data: userData(user, roles.map((r) => r.code)), traceparent: ctx.traceparent });
      return toUserView(user, roles);
    });
  }

  /** The proposed superior's chain upwards, as user → superior. */
  private async superiorChain(m: EntityManager, tenantId: string, startId: string): Promise<Map<string, string | null>> {
    const rows: { id: string; superior_id: string | null }[] = await m.query(
      `WITH RECURSIVE chain AS (
         SELECT id, superior_id, 1 AS depth FROM users WHERE tenant_id = $1 AND id = $2
         UNION ALL
         SELECT u.id, u.superior_id, c.depth + 1 FROM users u JOIN chain c ON u.id = c.superior_id
          WHERE u.tenant_id = $1 AND c.depth < 10000)
       SELECT id, superior_id FROM chain`,
      [tenantId, startId],
    );
    return new Map(rows.map((r) => [r.id, r.superior_id]));
  }
}
