import { MigrationInterface, QueryRunner } from 'typeorm';
import { DataRule, DataScope, RoleDataRulesChanged } from '@crm/contracts';
import { publishInTransaction } from '@crm/messaging';

// The rule table as of this migration, frozen here: later changes to the defaults in
// @crm/contracts apply to new roles, never retroactively through this migration.
const OBJECTS = ['work-report', 'sales-outbound', 'lead', 'campaign', 'sample-request', 'follow-up', 'bid-application', 'contact', 'customer', 'opportunity', 'visit-plan', 'schedule', 'quotation'] as const;
const ACTIONS = ['query', 'view', 'edit'] as const;
const ACCOUNT_MANAGER_WIDER: Record<string, DataScope> = {
  'contact/query': 'SELF_AND_SUBORDINATES',
  'customer/query': 'DEPARTMENT',
  'opportunity/query': 'DEPARTMENT_AND_SUBDEPARTMENTS',
  'quotation/query': 'DEPARTMENT_AND_SUBDEPARTMENTS',
  'quotation/view': 'DEPARTMENT',
};

function scopeFor(roleCode: string, object: string, action: string): DataScope {
  if (roleCode === 'admin') return 'ALL';
  if (roleCode === 'dept-manager') return 'DEPARTMENT_AND_SUBDEPARTMENTS';
  if (roleCode === 'account-manager') return ACCOUNT_MANAGER_WIDER[`${object}/${action}`] ?? 'SELF';
  return 'SELF';
}

/**
 * Data-scope rules per role, business object and action; the login log; the lockout counter on
 * users. Roles that exist already get the manual's defaults (custom roles: SELF everywhere), and
 * an event each so other services learn them.
 */
export class DataRulesAndLoginLog1700000002000 implements MigrationInterface {
  name = 'DataRulesAndLoginLog1700000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE role_data_rules (
      tenant_id uuid NOT NULL,
      role_id uuid NOT NULL,
      object text NOT NULL,
      action text NOT NULL CHECK (action IN ('query', 'view', 'edit')),
      scope text NOT NULL CHECK (scope IN ('SELF', 'SELF_AND_SUBORDINATES', 'DEPARTMENT', 'DEPARTMENT_AND_SUBDEPARTMENTS', 'ALL')),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (role_id, object, action),
      FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE)`);
    await q.query('CREATE INDEX role_data_rules_tenant ON role_data_rules (tenant_id)');

    // No foreign key to users: the log is a record of what happened and outlives what it names.
    await q.query(`CREATE TABLE login_logs (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      user_id uuid,
      username text NOT NULL,
      attempted_at timestamptz NOT NULL DEFAULT now(),
      ip text,
      user_agent text,
      client_type text NOT NULL CHECK (client_type IN ('web', 'app')),
      success boolean NOT NULL,
      failure_reason text CHECK (failure_reason IN ('unknown-user', 'bad-password', 'disabled', 'locked')),
      CHECK (success = (failure_reason IS NULL)))`);
    await q.query('CREATE INDEX login_logs_tenant_time ON login_logs (tenant_id, attempted_at)');
    await q.query('CREATE INDEX login_logs_tenant_user_time ON login_logs (tenant_id, user_id, attempted_at)');
    await q.query('CREATE INDEX login_logs_tenant_username_time ON login_logs (tenant_id, lower(username), attempted_at)');

    await q.query('ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz');

    const roles: { id: string; tenant_id: string; code: string }[] = await q.query('SELECT id, tenant_id, code FROM roles ORDER BY tenant_id, code');
    for (const role of roles) {
      const rules: DataRule[] = OBJECTS.flatMap((object) => ACTIONS.map((action) => ({ object, action, scope: scopeFor(role.code, object, action) })));
      await q.query(
        `INSERT INTO role_data_rules (tenant_id, role_id, object, action, scope)
         SELECT $1, $2, r.object, r.action, r.scope FROM jsonb_to_recordset($3::jsonb) AS r(object text, action text, scope text)`,
        [role.tenant_id, role.id, JSON.stringify(rules)],
      );
      await publishInTransaction(q.manager, RoleDataRulesChanged, {
        tenantId: role.tenant_id,
        subject: role.id,
        data: { roleId: role.id, tenantId: role.tenant_id, roleCode: role.code, rules },
      });
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP COLUMN locked_until, DROP COLUMN failed_logins');
    await q.query('DROP TABLE login_logs');
    await q.query('DROP TABLE role_data_rules');
  }
}
