import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DepartmentUpdated } from '@crm/contracts';
import { conflict } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { departmentPath, wouldCreateCycle } from '../../domain/department-tree';
import { DepartmentEntity } from '../../infrastructure/department.entity';
import { departmentData } from '../event-data';
import { findInTenant, requireDepartment, requireUser } from '../references';
import { lockDepartmentTree } from './department-commands';
import { DepartmentView, departmentNotFound, toDepartmentView } from './department-queries';
import { RequestContext, requireAdmin } from '@crm/access';
import { ORGANISATION_ADMIN_ONLY } from '../../domain/identity-rules';

/** Absent fields stay as they are; `parentId: null` makes it top-level, `managerId: null` clears it. */
export interface UpdateDepartmentInput {
  name?: string;
  parentId?: string | null;
  managerId?: string | null;
}

interface DepartmentRow {
  id: string;
  tenant_id: string;
  name: string;
  parent_id: string | null;
  manager_id: string | null;
  path: string;
  created_at: Date;
  updated_at: Date;
}

@Injectable()
export class UpdateDepartmentHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, id: string, input: UpdateDepartmentInput): Promise<DepartmentView> {
    requireAdmin(ctx.caller, ORGANISATION_ADMIN_ONLY);
    const tenantId = ctx.caller.tenantId;
    return this.dataSource.transaction(async (m) => {
      await lockDepartmentTree(m, tenantId);
      const department = await findInTenant(m, DepartmentEntity, tenantId, id);
      if (!department) throw departmentNotFound();

      if (input.managerId) await requireUser(m, tenantId, input.managerId, 'DEPARTMENT.MANAGER_NOT_FOUND', 'managerId');
      if (input.name !== undefined) department.name = input.name;
      if (input.managerId !== undefined) department.managerId = input.managerId;
      department.updatedAt = new Date();
      await m.getRepository(DepartmentEntity).update({ id, tenantId }, { name: department.name, managerId: department.managerId, updatedAt: department.updatedAt });

      let changed: DepartmentEntity[] = [department];
      if (input.parentId !== undefined && input.parentId !== department.parentId) {
        changed = await this.move(m, department, input.parentId);
      }
      for (const d of changed) {
        await publishInTransaction(m, DepartmentUpdated, { tenantId, subject: d.id, data: departmentData(d), traceparent: ctx.traceparent });
      }
      return toDepartmentView(changed.find((d) => d.id === id)!);
    });
  }

  /** Re-parents the department and rewrites the paths of its whole subtree in one statement. */
  private async move(m: EntityManager, department: DepartmentEntity, parentId: string | null): Promise<DepartmentEntity[]> {
    const parent = parentId ? await requireDepartment(m, department.tenantId, parentId, 'DEPARTMENT.PARENT_NOT_FOUND', 'parentId') : null;
    if (wouldCreateCycle(department.path, parent?.path ?? null)) {
      throw conflict('DEPARTMENT.CYCLE', 'A department cannot move under itself or one of its sub-departments.', [
        { field: 'parentId', message: 'is the department itself or one of its sub-departments' },
      ]);
    }
    const newPath = departmentPath(department.id, parent?.path ?? null);
    const [rows]: [DepartmentRow[], number] = await m.query(
      `UPDATE departments
          SET path = $3 || substr(path, length($4) + 1),
              parent_id = CASE WHEN id = $2 THEN $5::uuid ELSE parent_id END,
              updated_at = now()
        WHERE tenant_id = $1 AND path LIKE $4 || '%'
        RETURNING id, tenant_id, name, parent_id, manager_id, path, created_at, updated_at`,
      [department.tenantId, department.id, newPath, department.path, parent?.id ?? null],
    );
    return rows.map((r) =>
      Object.assign(new DepartmentEntity(), {
        id: r.id,
        tenantId: r.tenant_id,
        name: r.name,
        parentId: r.parent_id,
        managerId: r.manager_id,
        path: r.path,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }),
    );
  }
}
