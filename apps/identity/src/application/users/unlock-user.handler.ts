import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext, requireAdmin } from '@crm/access';
import { UUID_PATTERN } from '@crm/kernel';
import { ORGANISATION_ADMIN_ONLY } from '../../domain/identity-rules';
import { userNotFound } from './user-queries';

/** Ends a lockout before it expires and forgets the failed attempts (an administrator vouches for the user). */
@Injectable()
export class UnlockUserHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, id: string): Promise<void> {
    requireAdmin(ctx.caller, ORGANISATION_ADMIN_ONLY);
    if (!UUID_PATTERN.test(id)) throw userNotFound();
    const rows = await this.dataSource.query(
      'WITH done AS (UPDATE users SET failed_logins = 0, locked_until = NULL WHERE tenant_id = $1 AND id = $2 RETURNING id) SELECT id FROM done',
      [ctx.caller.tenantId, id],
    );
    if (rows.length === 0) throw userNotFound();
  }
}
