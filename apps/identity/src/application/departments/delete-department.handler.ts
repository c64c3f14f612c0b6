import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DepartmentDeleted } from '@crm/contracts';
import { conflict } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { canDeleteDepartment } from '../../domain/department-tree';
import { DepartmentEntity } from '../../infrastructure/department.entity';
import { UserEntity } from '../../infrastructure/user.entity';
import { findInTenant } from '../references';
import { lockDepartmentTree } from './department-commands';
import { departmentNotFound } from './department-queries';
import { RequestContext, requireAdmin } from '@crm/access';
import { ORGANISATION_ADMIN_ONLY } from '../../domain/identity-rules';

const notEmpty = () => conflict('DEPARTMENT.NOT_EMPTY', 'The department still has sub-departments or users; move them first.');

@Injectable()
export class DeleteDepartmentHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, id: string): Promise<void> {
    requireAdmin(ctx.caller, ORGANISATION_ADMIN_ONLY);
    const tenantId = ctx.caller.tenantId;
    await this.dataSource.transaction(async (m) => {
      await lockDepartmentTree(m, tenantId);
      const department = await findInTenant(m, DepartmentEntity, tenantId, id);
      if (!department) throw departmentNotFound();
      const children = await m.getRepository(DepartmentEntity).countBy({ tenantId, parentId: id });
      const users = await m.getRepository(UserEntity).countBy({ tenantId, departmentId: id });
      if (!canDeleteDepartment({ children, users })) {
        throw notEmpty();
      }
      try {
        await m.getRepository(DepartmentEntity).delete({ id, tenantId });
      } catch (err) {
        // A user added to it meanwhile (the foreign key caught it) is the same conflict.
        if ((err as { driverError?: { code?: string } }).driverError?.code === '23503') throw notEmpty();
        throw err;
      }
      await publishInTransaction(m, DepartmentDeleted, { tenantId, subject: id, data: { id, tenantId }, traceparent: ctx.traceparent });
    });
  }
}
