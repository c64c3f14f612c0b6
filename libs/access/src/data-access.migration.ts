import { MigrationInterface, QueryRunner } from 'typeorm';
import { OrgProjection1700000000300 } from './org-projection';

/**
 * The tables data scopes read besides the org projection: the roles' rules replicated from
 * identity, and the records shared with a colleague or a department, and their collaborators.
 */
export class DataAccess1700000000310 implements MigrationInterface {
  name = 'DataAccess1700000000310';
  async up(q: QueryRunner): Promise<void> {
    // One row per role, even when its rule set is empty: the time of the last applied event, so
    // an older event never brings back rules a newer one removed.
    await q.query(`CREATE TABLE data_rule_roles (
      role_id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      role_code text NOT NULL,
      event_time timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE data_rules (
      tenant_id uuid NOT NULL,
      role_code text NOT NULL,
      object text NOT NULL,
      action text NOT NULL CHECK (action IN ('query', 'view', 'edit')),
      scope text NOT NULL CHECK (scope IN ('SELF', 'SELF_AND_SUBORDINATES', 'DEPARTMENT', 'DEPARTMENT_AND_SUBDEPARTMENTS', 'ALL')),
      event_time timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, role_code, object, action))`);
    await q.query(`CREATE TABLE record_shares (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      object text NOT NULL,
      record_id uuid NOT NULL,
      user_id uuid,
      department_id uuid,
      access text NOT NULL CHECK (access IN ('read', 'edit')),
      expires_at timestamptz,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((user_id IS NULL) <> (department_id IS NULL)))`);
    // One share per record and grantee (sharing again changes it); lookups by grantee for the scope condition.
    await q.query('CREATE UNIQUE INDEX record_shares_user ON record_shares (tenant_id, object, user_id, record_id) WHERE user_id IS NOT NULL');
    await q.query('CREATE UNIQUE INDEX record_shares_department ON record_shares (tenant_id, object, department_id, record_id) WHERE department_id IS NOT NULL');
    await q.query('CREATE INDEX record_shares_record ON record_shares (tenant_id, object, record_id)');
    await q.query(`CREATE TABLE record_collaborators (
      tenant_id uuid NOT NULL,
      object text NOT NULL,
      record_id uuid NOT NULL,
      user_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, object, record_id, user_id))`);
    await q.query('CREATE INDEX record_collaborators_user ON record_collaborators (tenant_id, object, user_id, record_id)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE record_collaborators');
    await q.query('DROP TABLE record_shares');
    await q.query('DROP TABLE data_rules');
    await q.query('DROP TABLE data_rule_roles');
  }
}

/**
 * Every migration of libs/access, in order: list them in a business service's migration list
 * (`apps/<app>/src/migrations`, which tools/migrate.ts runs); BusinessServiceModule adds any that
 * a list still lacks, since its consumer writes these tables.
 */
export const ACCESS_MIGRATIONS = [OrgProjection1700000000300, DataAccess1700000000310];
