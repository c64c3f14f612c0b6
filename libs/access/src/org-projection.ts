import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { CloudEvent, DeletedData, DepartmentCreated, DepartmentData, DepartmentDeleted, DepartmentUpdated, UserCreated, UserData, UserUpdated } from '@crm/contracts';
import { EventHandler } from '@crm/messaging';
import { DATA_RULES_TOPICS, dataRulesHandlers } from './data-rules.projection';

/**
 * Each service's local copy of the organisation (users, departments), fed by identity's events:
 * data scopes are computed from it without calling identity. An older event never overwrites a
 * newer state (events carry their time), and the inbox makes redeliveries no-ops. The roles'
 * data-scope rules travel with it (same consumer), so every business service has them too.
 */
export const ORG_TOPICS = [DepartmentCreated.topic, UserCreated.topic, ...DATA_RULES_TOPICS];

async function upsertDepartment(e: CloudEvent<DepartmentData>, m: EntityManager): Promise<void> {
  const d = e.data;
  await m.query(
    `INSERT INTO org_departments (id, tenant_id, name, parent_id, manager_id, path, event_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, parent_id = EXCLUDED.parent_id, manager_id = EXCLUDED.manager_id,
       path = EXCLUDED.path, event_time = EXCLUDED.event_time
     WHERE org_departments.event_time <= EXCLUDED.event_time`,
    [d.id, d.tenantId, d.name, d.parentId, d.managerId, d.path, e.time],
  );
}

async function upsertUser(e: CloudEvent<UserData>, m: EntityManager): Promise<void> {
  const u = e.data;
  await m.query(
    `INSERT INTO org_users (id, tenant_id, username, name, department_id, superior_id, status, role_codes, event_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username, name = EXCLUDED.name, department_id = EXCLUDED.department_id,
       superior_id = EXCLUDED.superior_id, status = EXCLUDED.status, role_codes = EXCLUDED.role_codes, event_time = EXCLUDED.event_time
     WHERE org_users.event_time <= EXCLUDED.event_time`,
    [u.id, u.tenantId, u.username, u.name, u.departmentId, u.superiorId, u.status, u.roleCodes, e.time],
  );
}

export const orgProjectionHandlers: Record<string, EventHandler> = {
  [DepartmentCreated.type]: upsertDepartment,
  [DepartmentUpdated.type]: upsertDepartment,
  [DepartmentDeleted.type]: async (e: CloudEvent<DeletedData>, m) => {
    await m.query('DELETE FROM org_departments WHERE id = $1 AND tenant_id = $2', [e.data.id, e.data.tenantId]);
  },
  [UserCreated.type]: upsertUser,
  [UserUpdated.type]: upsertUser,
  ...dataRulesHandlers,
};

export class OrgProjection1700000000300 implements MigrationInterface {
  name = 'OrgProjection1700000000300';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE org_departments (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      name text NOT NULL,
      parent_id uuid,
      manager_id uuid,
      path text NOT NULL,
      event_time timestamptz NOT NULL)`);
    await q.query('CREATE INDEX org_departments_path ON org_departments (tenant_id, path text_pattern_ops)');
    await q.query(`CREATE TABLE org_users (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      username text NOT NULL,
      name text NOT NULL,
      department_id uuid NOT NULL,
      superior_id uuid,
      status text NOT NULL,
      role_codes text[] NOT NULL,
      event_time timestamptz NOT NULL)`);
    await q.query('CREATE INDEX org_users_department ON org_users (tenant_id, department_id)');
    await q.query('CREATE INDEX org_users_superior ON org_users (tenant_id, superior_id)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE org_users');
    await q.query('DROP TABLE org_departments');
  }
}
