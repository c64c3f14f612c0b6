/**
 * The cost of data scopes on a list's first page.
 *
 *   npm run bench:data-scope [-- --runs 100]
 *
 * In a fresh database (DATABASE_URL's server if set, else an embedded PostgreSQL in a temp dir):
 * 1,000,000 records across 10,000 users in a 1,000-department tree seven levels deep, generated in
 * SQL. Then the first page (20 rows, newest first) as a business service lists it, for a manager of
 * a large subtree (DEPARTMENT_AND_SUBDEPARTMENTS), a manager of a small one, an account manager
 * (SELF), and the same query unfiltered: p50/p95 over the runs, the ratios, and the plan.
 * Targets for the large subtree: p95 <= 50 ms and <= 1.3x the unfiltered page.
 */
import 'reflect-metadata';
import { benchDatabase } from './support';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { ACCESS_MIGRATIONS, Caller, applyDataScope, orgProjectionHandlers, resolveScope, scopeCondition } from '@crm/access';
import { RoleDataRulesChanged, dataschemaOf } from '@crm/contracts';
import { typeormOptions } from '@crm/persistence';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' } } });
const RUNS = Number(values.runs);
const TENANT = '00000000-0000-4000-8000-000000000001';
const DEPARTMENTS = 1000;
const USERS = 10_000;
const RECORDS = 1_000_000;

const uuidOf = (kind: string, i: number | string) => `md5('${kind}' || ${i})::uuid`;

async function generate(ds: DataSource): Promise<void> {
  await ds.query(`CREATE TABLE records (
    id uuid PRIMARY KEY, tenant_id uuid NOT NULL, owner_id uuid, name text NOT NULL, updated_at timestamptz NOT NULL)`);
  // Department i's parent is (i - 1) / 3: a ternary tree, depth 7 for 1,000 departments.
  await ds.query(`INSERT INTO org_departments (id, tenant_id, name, parent_id, manager_id, path, event_time)
    WITH RECURSIVE tree(i, path) AS (
      SELECT 0, '/' || ${uuidOf('d', 0)}::text || '/'
      UNION ALL
      SELECT c.i, t.path || ${uuidOf('d', 'c.i')}::text || '/'
      FROM tree t JOIN generate_series(1, ${DEPARTMENTS - 1}) AS c(i) ON (c.i - 1) / 3 = t.i)
    SELECT ${uuidOf('d', 'i')}, '${TENANT}', 'dept ' || i, CASE WHEN i = 0 THEN NULL ELSE ${uuidOf('d', '(i - 1) / 3')} END, NULL, path, now()
    FROM tree`);
  // User j works in department j % 1000 (user d is the manager of department d); superior: the
  // manager of the parent department, or of their own for everyone but the manager.
  await ds.query(`INSERT INTO org_users (id, tenant_id, username, name, department_id, superior_id, status, role_codes, event_time)
    SELECT ${uuidOf('u', 'j')}, '${TENANT}', 'user' || j, 'User ' || j, ${uuidOf('d', `j % ${DEPARTMENTS}`)},
      CASE WHEN j = 0 THEN NULL WHEN j < ${DEPARTMENTS} THEN ${uuidOf('u', '(j - 1) / 3')} ELSE ${uuidOf('u', `j % ${DEPARTMENTS}`)} END,
      'active', ARRAY['account-manager'], now()
    FROM generate_series(0, ${USERS - 1}) AS j`);
  await ds.query(`INSERT INTO records (id, tenant_id, owner_id, name, updated_at)
    SELECT gen_random_uuid(), '${TENANT}', ${uuidOf('u', `(hashint % ${USERS})`)}, 'customer ' || n, now() - (n % 5000000) * interval '1 second'
    FROM (SELECT n, abs(hashtext(n::text)) AS hashint FROM generate_series(1, ${RECORDS}) AS n) s`);
  await ds.query('CREATE INDEX records_owner ON records (tenant_id, owner_id, updated_at DESC)');
  await ds.query('CREATE INDEX records_updated ON records (tenant_id, updated_at DESC)');
  await ds.query('ANALYZE');
}

async function setRules(ds: DataSource): Promise<void> {
  const rules = { 'dept-manager': 'DEPARTMENT_AND_SUBDEPARTMENTS', 'account-manager': 'SELF' } as const;
  for (const [roleCode, scope] of Object.entries(rules)) {
    const roleId = randomUUID();
    const event = {
      specversion: '1.0' as const,
      id: randomUUID(),
      source: RoleDataRulesChanged.source,
      type: RoleDataRulesChanged.type,
      subject: roleId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json' as const,
      dataschema: dataschemaOf(RoleDataRulesChanged),
      tenantid: TENANT,
      data: { roleId, tenantId: TENANT, roleCode, rules: [{ object: 'customer', action: 'query' as const, scope }] },
    };
    await ds.transaction((m) => orgProjectionHandlers[RoleDataRulesChanged.type](event, m));
  }
}

async function callerFor(ds: DataSource, userIndex: number, role: string): Promise<{ caller: Caller; owners: number; records: number }> {
  const [u] = await ds.query(`SELECT id, department_id FROM org_users WHERE id = ${uuidOf('u', userIndex)}`);
  const caller: Caller = { userId: u.id, tenantId: TENANT, tenantCode: 'bench', username: `user${userIndex}`, name: 'x', departmentId: u.department_id, roleCodes: [role] };
  const [counts] = await ds.query(
    `SELECT count(DISTINCT o.id)::int AS owners, count(r.id)::int AS records FROM org_departments d JOIN org_departments me ON me.id = $1
     JOIN org_users o ON o.department_id = d.id LEFT JOIN records r ON r.owner_id = o.id WHERE d.path LIKE me.path || '%'`,
    [u.department_id],
  );
  return { caller, ...(role === 'account-manager' ? { owners: 1, records: Number((await ds.query('SELECT count(*) FROM records WHERE owner_id = $1', [u.id]))[0].count) } : counts) };
}

const page = (ds: DataSource) => ds.createQueryBuilder().select(['c.id', 'c.name', 'c.owner_id', 'c.updated_at']).from('records', 'c').orderBy('updated_at', 'DESC').limit(20);

async function time(runs: number, f: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 10; i++) await f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await f();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(runs * 0.5)], p95: ms[Math.min(runs - 1, Math.ceil(runs * 0.95) - 1)] };
}

async function main(): Promise<void> {
  const database = await benchDatabase('data-scope');
  const { url } = database;
  const ds = new DataSource(typeormOptions({ url, entities: [], migrations: ACCESS_MIGRATIONS, poolSize: 2 }));
  await ds.initialize();
  try {
    const started = Date.now();
    await generate(ds);
    await setRules(ds);
    console.log(`data-scope benchmark (node ${process.version}, PostgreSQL ${(await ds.query('SHOW server_version'))[0].server_version})`);
    console.log(`  generated ${RECORDS.toLocaleString('en')} records, ${USERS.toLocaleString('en')} users, ${DEPARTMENTS} departments (depth 7) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const unfiltered = await time(RUNS, () => page(ds).where('c.tenant_id = :t', { t: TENANT }).getRawMany());
    console.log(`  first page (20 rows, updated_at DESC), ${RUNS} runs after 10 warm-up runs:`);
    console.log(`    unfiltered (tenant only)                               p50 ${unfiltered.p50.toFixed(2)} ms  p95 ${unfiltered.p95.toFixed(2)} ms`);
    const cases = [
      { label: 'large subtree (dept 1: a third of the tree)', user: 1, role: 'dept-manager' },
      { label: 'small subtree (a leaf department)', user: 700, role: 'dept-manager' },
      { label: 'SELF (account manager)', user: 4242, role: 'account-manager' },
    ];
    let explained = '';
    for (const c of cases) {
      const { caller, owners, records } = await callerFor(ds, c.user, c.role);
      // The whole call as a service makes it (rules lookup + page), and the page query alone.
      const whole = await time(RUNS, async () => (await applyDataScope(page(ds), caller, { object: 'customer', action: 'query', alias: 'c' })).getRawMany());
      const resolved = await resolveScope(ds.manager, caller, { object: 'customer', action: 'query' });
      const cond = scopeCondition(caller, { object: 'customer', action: 'query' }, resolved, { tenant: 'c.tenant_id', id: 'c.id', owner: 'c.owner_id' });
      const pageOnly = await time(RUNS, () => page(ds).where(cond.sql, cond.params).getRawMany());
      console.log(`    ${c.label.padEnd(44)} ${String(owners).padStart(5)} owners, ${records.toLocaleString('en').padStart(7)} records`);
      console.log(`      page query alone                                     p50 ${pageOnly.p50.toFixed(2)} ms  p95 ${pageOnly.p95.toFixed(2)} ms  (${(pageOnly.p95 / unfiltered.p95).toFixed(2)}x unfiltered p95)`);
      console.log(`      rules lookup + page (applyDataScope)                 p50 ${whole.p50.toFixed(2)} ms  p95 ${whole.p95.toFixed(2)} ms  (${(whole.p95 / unfiltered.p95).toFixed(2)}x unfiltered p95)`);
      const [sql, params] = page(ds).where(cond.sql, cond.params).getQueryAndParameters();
      const plan = (await ds.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
      const seq = /Seq Scan on records/.test(plan);
      console.log(`      plan: ${seq ? 'SEQ SCAN ON records' : 'no Seq Scan on records'}`);
      if (!explained) explained = `EXPLAIN (ANALYZE, BUFFERS) for the ${c.label}:\n${sql}\n${plan}`;
    }
    console.log(`\n${explained}`);
  } finally {
    await ds.destroy();
    await database.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
