import { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Caller } from './token-verifier';
import { BusinessObject, DataAction, DataScope as DataScopeLevel } from '@crm/contracts';

/** What the caller wants to do, on which kind of record. */
export interface DataScopeTarget {
  object: BusinessObject;
  action: DataAction;
}

export interface ApplyDataScopeOptions extends DataScopeTarget {
  /** The alias of the records table in the query builder. */
  alias: string;
  /** Column holding the owner's user id; default `owner_id`. */
  ownerColumn?: string;
  /** Column holding the record id (what shares and collaborators name); default `id`. */
  idColumn?: string;
  /** Default `tenant_id`. */
  tenantColumn?: string;
  /** The caller's scope when already resolved for this target (`resolveScope`): saves the lookup. */
  resolved?: ResolvedScope;
}

export interface RecordRef extends DataScopeTarget {
  recordId: string;
  ownerId: string | null;
  /** The record's tenant; the caller's when omitted (the record was loaded within it). */
  tenantId?: string;
}

/** What a scope condition needs to know about the caller beyond the token. */
export interface ResolvedScope {
  /** The caller's scopes for this object and action, redundant ones removed (see `effectiveLevels`). */
  levels: DataScopeLevel[];
  /** The materialised path of the caller's department, null when the projection does not have it. */
  departmentPath: string | null;
  /** Whether any unexpired share or collaboration could apply: when none does, the condition omits them. */
  hasGrants: boolean;
}

type Queryable = Pick<EntityManager, 'query'>;

/**
 * The union of the caller's roles' scopes, minus those another one contains. A role without a
 * rule for this object and action (its rules not replicated yet, or none written) counts as SELF:
 * fail closed. Every scope contains the caller's own records.
 */
export function effectiveLevels(levels: DataScopeLevel[]): DataScopeLevel[] {
  const set = new Set<DataScopeLevel>(levels);
  if (set.has('ALL')) return ['ALL'];
  if (set.has('DEPARTMENT_AND_SUBDEPARTMENTS')) set.delete('DEPARTMENT');
  if (set.size > 0) set.delete('SELF');
  return set.size ? [...set].sort() : ['SELF'];
}

/** One round trip: the caller's rules for the target, their department's path, whether grants exist. */
export async function resolveScope(db: Queryable, caller: Caller, target: DataScopeTarget): Promise<ResolvedScope> {
  const [row] = await db.query(
    `SELECT
       ARRAY(SELECT DISTINCT scope FROM data_rules WHERE tenant_id = $1 AND role_code = ANY($2) AND object = $3 AND action = $4) AS scopes,
       (SELECT path FROM org_departments WHERE id = $5 AND tenant_id = $1) AS department_path,
       EXISTS (SELECT 1 FROM record_shares s WHERE s.tenant_id = $1 AND s.object = $3 AND (s.user_id = $6 OR s.department_id = $5)
                 AND (s.expires_at IS NULL OR s.expires_at > now()) AND ($4 <> 'edit' OR s.access = 'edit'))
       OR EXISTS (SELECT 1 FROM record_collaborators c WHERE c.tenant_id = $1 AND c.object = $3 AND c.user_id = $6) AS has_grants`,
    [caller.tenantId, caller.roleCodes, target.object, target.action, caller.departmentId, caller.userId],
  );
  return { levels: effectiveLevels(row.scopes), departmentPath: row.department_path, hasGrants: row.has_grants };
}

let sequence = 0;

/**
 * The condition a record (tenant, id, owner columns given as SQL) must meet, with named
 * parameters (prefixed, so that several conditions can live in one query). Shapes chosen for the
 * planner:
 * - the owner test is a single `owner IN (subquery)` (a UNION when several scopes apply), which
 *   PostgreSQL turns into a semi-join: it either walks the records in page order and probes the
 *   owner (a large subtree) or fetches the few owners' records by index (a small one);
 * - `SELF` is a plain equality, served by an index on (tenant_id, owner_id, ...);
 * - shares and collaborators are OR-ed in only when the caller has some for this object, because an
 *   OR of subqueries cannot become a join: the common case keeps the join plans above.
 * - subordinates: a recursive CTE over org_users.superior_id at query time, with UNION so a cycle
 *   in the data still terminates. It walks only the caller's own subtree through the
 *   (tenant_id, superior_id) index, so it costs in proportion to the subordinates (a few ms for
 *   thousands), and needs no materialised superior path to keep right when a superior changes,
 *   which for a path would mean rewriting every descendant, in whatever order events arrive.
 *
 * `columns.ownerDepartment` is for tables that carry the owner's department themselves, kept equal
 * to org_users' (per-owner counters): the department scopes then test that column, with no join
 * to org_users, and the owner tests are OR-ed (each row is one owner, so no row counts twice).
 */
export function scopeCondition(
  caller: Caller,
  target: DataScopeTarget,
  resolved: ResolvedScope,
  columns: { tenant: string; id: string; owner: string; ownerDepartment?: string },
): { sql: string; params: Record<string, unknown> } {
  const p = `ds${++sequence}_`;
  const params: Record<string, unknown> = { [`${p}tenant`]: caller.tenantId };
  const tenantTest = `${columns.tenant} = :${p}tenant`;
  if (resolved.levels.includes('ALL')) return { sql: tenantTest, params };

  params[`${p}me`] = caller.userId;
  const owners: string[] = [];
  const departments: string[] = []; // tests of columns.ownerDepartment
  for (const level of resolved.levels) {
    if (level === 'SELF_AND_SUBORDINATES') {
      owners.push(
        `SELECT sub.id FROM (WITH RECURSIVE sub(id) AS (SELECT CAST(:${p}me AS uuid) UNION ` +
          `SELECT su.id FROM org_users su JOIN sub ON su.superior_id = sub.id WHERE su.tenant_id = :${p}tenant) SELECT id FROM sub) sub`,
      );
    } else if (level === 'DEPARTMENT') {
      params[`${p}dept`] = caller.departmentId;
      if (columns.ownerDepartment) departments.push(`${columns.ownerDepartment} = :${p}dept`);
      else owners.push(`SELECT du.id FROM org_users du WHERE du.tenant_id = :${p}tenant AND du.department_id = :${p}dept`);
    } else if (level === 'DEPARTMENT_AND_SUBDEPARTMENTS' && resolved.departmentPath !== null) {
      // A literal prefix (bound as a parameter, planned with its value) so the path index serves it.
      params[`${p}path`] = resolved.departmentPath.replace(/[\\%_]/g, '\\$&') + '%';
      if (columns.ownerDepartment) {
        departments.push(`${columns.ownerDepartment} IN (SELECT td.id FROM org_departments td WHERE td.tenant_id = :${p}tenant AND td.path LIKE :${p}path)`);
      } else {
        owners.push(
          `SELECT tu.id FROM org_users tu JOIN org_departments td ON td.id = tu.department_id ` +
            `WHERE tu.tenant_id = :${p}tenant AND td.tenant_id = :${p}tenant AND td.path LIKE :${p}path`,
        );
      }
    }
  }
  let ownerTest: string;
  if (owners.length === 0 && departments.length === 0) ownerTest = `${columns.owner} = :${p}me`; // SELF, or a department the projection lacks
  else {
    // No `UNION SELECT me`: the caller is a member of their own department in the projection, and
    // an appended row (an Append node) keeps PostgreSQL from probing org_users by primary key.
    const tests = [...(owners.length ? [`${columns.owner} IN (${owners.join(' UNION ALL ')})`] : []), ...departments];
    ownerTest = tests.length === 1 ? tests[0] : `(${tests.join(' OR ')})`;
  }
  if (!resolved.hasGrants) return { sql: `${tenantTest} AND ${ownerTest}`, params };

  params[`${p}object`] = target.object;
  params[`${p}dept`] = caller.departmentId;
  const editOnly = target.action === 'edit' ? ` AND rs.access = 'edit'` : '';
  const shared =
    `${columns.id} IN (SELECT rs.record_id FROM record_shares rs WHERE rs.tenant_id = :${p}tenant AND rs.object = :${p}object ` +
    `AND (rs.user_id = :${p}me OR rs.department_id = :${p}dept) AND (rs.expires_at IS NULL OR rs.expires_at > now())${editOnly})`;
  const collaborating =
    `${columns.id} IN (SELECT rc.record_id FROM record_collaborators rc WHERE rc.tenant_id = :${p}tenant ` +
    `AND rc.object = :${p}object AND rc.user_id = :${p}me)`;
  return { sql: `${tenantTest} AND (${ownerTest} OR ${shared} OR ${collaborating})`, params };
}

/**
 * Narrows a query over business records to those the caller may `query`, `view` or `edit`:
 * adds `tenant = caller's AND (owner in scope OR shared with me OR I collaborate)` as SQL, so
 * paging, sorting and counting stay in the database.
 *
 *   await applyDataScope(qb, caller, { object: 'customer', action: 'query', alias: 'c' });
 */
export async function applyDataScope<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  caller: Caller,
  o: ApplyDataScopeOptions,
  db: Queryable = qb.connection.manager,
): Promise<SelectQueryBuilder<T>> {
  const resolved = o.resolved ?? (await resolveScope(db, caller, o));
  const column = (name: string) => `${o.alias}.${name}`;
  const { sql, params } = scopeCondition(caller, o, resolved, {
    tenant: column(o.tenantColumn ?? 'tenant_id'),
    id: column(o.idColumn ?? 'id'),
    owner: column(o.ownerColumn ?? 'owner_id'),
  });
  return qb.andWhere(`(${sql})`, params);
}

/** Whether the caller may act on one record: the same condition as `applyDataScope`, on that record's values. */
export async function canAccess(manager: EntityManager, caller: Caller, record: RecordRef): Promise<boolean> {
  if ((record.tenantId ?? caller.tenantId) !== caller.tenantId) return false;
  const resolved = await resolveScope(manager, caller, record);
  const { sql, params } = scopeCondition(caller, record, resolved, { tenant: 'r.tenant_id', id: 'r.id', owner: 'r.owner_id' });
  const [query, values] = manager.connection.driver.escapeQueryWithParameters(
    `SELECT EXISTS (SELECT 1 FROM (VALUES (CAST(:rec_tenant AS uuid), CAST(:rec_id AS uuid), CAST(:rec_owner AS uuid))) AS r(tenant_id, id, owner_id) WHERE ${sql}) AS ok`,
    { ...params, rec_tenant: caller.tenantId, rec_id: record.recordId, rec_owner: record.ownerId },
    {},
  );
  const [row] = await manager.query(query, values);
  return row.ok === true;
}
