import { EntityManager } from 'typeorm';
import { CloudEvent } from '@crm/contracts';
import { EventHandler } from '@crm/messaging';
import { RoleDataRulesChanged, RoleDataRulesData } from '@crm/contracts';

/**
 * Replaces a role's replicated rules with the set the event carries, unless a newer set was
 * applied already. Roles are tracked by id, so a role whose code changed loses its old rows.
 */
async function replaceRoleRules(e: CloudEvent<RoleDataRulesData>, m: EntityManager): Promise<void> {
  const { roleId, tenantId, roleCode, rules } = e.data;
  const [previous] = await m.query('SELECT role_code, event_time FROM data_rule_roles WHERE role_id = $1 FOR UPDATE', [roleId]);
  if (previous && new Date(previous.event_time) > new Date(e.time)) return; // an older event
  await m.query(
    `INSERT INTO data_rule_roles (role_id, tenant_id, role_code, event_time) VALUES ($1, $2, $3, $4)
     ON CONFLICT (role_id) DO UPDATE SET role_code = EXCLUDED.role_code, event_time = EXCLUDED.event_time`,
    [roleId, tenantId, roleCode, e.time],
  );
  await m.query('DELETE FROM data_rules WHERE tenant_id = $1 AND role_code = ANY($2)', [tenantId, [roleCode, previous?.role_code ?? roleCode]]);
  if (rules.length === 0) return;
  await m.query(
    `INSERT INTO data_rules (tenant_id, role_code, object, action, scope, event_time)
     SELECT $1, $2, r.object, r.action, r.scope, $3 FROM jsonb_to_recordset($4::jsonb) AS r(object text, action text, scope text)
     ON CONFLICT (tenant_id, role_code, object, action) DO UPDATE SET scope = EXCLUDED.scope`,
    [tenantId, roleCode, e.time, JSON.stringify(rules)],
  );
}

export const DATA_RULES_TOPICS = [RoleDataRulesChanged.topic];
export const dataRulesHandlers: Record<string, EventHandler> = { [RoleDataRulesChanged.type]: replaceRoleRules };
