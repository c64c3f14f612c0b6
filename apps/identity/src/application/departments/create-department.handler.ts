import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DepartmentCreated } from '@crm/contracts';
import { newId } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { departmentPath } from '../../domain/department-tree';
import { DepartmentEntity } from '../../infrastructure/department.entity';
import { departmentData } from '../event-data';
import { requireDepartment, requireUser } from '../references';
import { lockDepartmentTree } from './department-commands';
import { DepartmentView, toDepartmentView } from './department-queries';
import { RequestContext, requireAdmin } from '@crm/access';
import { ORGANISATION_ADMIN_ONLY } from '../../domain/identity-rules';

export interface CreateDepartmentInput {
  name: string;
  parentId?: string | null;
  managerId?: string | null;
}

@Injectable()
export class CreateDepartmentHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, input: CreateDepartmentInput): Promise<DepartmentView> {
    requireAdmin(ctx.caller, ORGANISATION_ADMIN_ONLY);
    const tenantId = ctx.caller.tenantId;
    return this.dataSource.transaction(async (m) => {
      await lockDepartmentTree(m, tenantId);
      const parent = input.parentId ? await requireDepartment(m, tenantId, input.parentId, 'DEPARTMENT.PARENT_NOT_FOUND', 'parentId') : null;
      if (input.managerId) await requireUser(m, tenantId, input.managerId, 'DEPARTMENT.MANAGER_NOT_FOUND', 'managerId');
      const id = newId();
      const now = new Date();
      const department = m.getRepository(DepartmentEntity).create({
        id,
        tenantId,
        name: input.name,
        parentId: parent?.id ?? null,
        managerId: input.managerId ?? null,
        path: departmentPath(id, parent?.path ?? null),
        createdAt: now,
        updatedAt: now,
      });
      await m.getRepository(DepartmentEntity).insert(department);
      await publishInTransaction(m, DepartmentCreated, { tenantId, subject: id, data: departmentData(department), traceparent: ctx.traceparent });
      return toDepartmentView(department);
    });
  }
}
