/**
 * The first page of `GET /api/v1/customers` over HTTP, per data scope (issue 4's benchmark).
 *
 *   npm run bench:customers [-- --runs 200 --warmup 20]
 *
 * Starts PostgreSQL (DATABASE_URL's server if set, else an embedded one in a temp dir), the embedded
 * broker and the real sales service in-process (its migrations run at boot), then generates in SQL:
 * 1,000,000 customers across 10,000 users in a 1,000-department ternary tree seven levels deep, the
 * org projection rows, and the data rules of the three default roles (plus a custom role that is
 * SELF everywhere) stored by the projection's own handler. Then, with RS256 tokens from a local
 * JWKS server, the first page (default sort, pageSize 20) for a manager of a large subtree, of a
 * small one, an account manager (customer query = DEPARTMENT), a SELF user and an administrator
 * (ALL: the same query without the scope filter), the personas taking turns: p50/p95/p99, the
 * ratio large subtree / administrator, totals (checked against a recount), and the statements the
 * service ran, captured from its TypeORM connection: EXPLAIN (ANALYZE, BUFFERS) times of each for
 * every persona, the whole plans for the large subtree.
 * Targets for the large subtree: p95 <= 50 ms, <= 1.3x the administrator's p95, no Seq Scan of customers.
 */
import 'reflect-metadata';
import { benchDatabase } from './support';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { DataSource, Logger } from 'typeorm';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, dataRulesHandlers } from '@crm/access';
import { CloudEvent, RoleDataRulesChanged, RoleDataRulesData, dataschemaOf, defaultDataRules } from '@crm/contracts';
import { startBroker } from '@crm/kafka-broker';
import type { loadSalesConfig as LoadSalesConfig } from '../apps/sales/src/config';
import type { startSales as StartSales } from '../apps/sales/src/main';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, warmup: { type: 'string', default: '20' } } });
const RUNS = Number(values.runs);
const WARMUP = Number(values.warmup);
const TENANT = '00000000-0000-4000-8000-000000000001';
const DEPARTMENTS = 1000;
const USERS = 10_000;
const CUSTOMERS = 1_000_000;
const PAGE = '/api/v1/customers?pageSize=20';

const uuidOf = (kind: string, i: number | string) => `md5('${kind}' || ${i})::uuid`;

/** The organisation, as the projection stores identity's events, and the customers, set-based. */
async function generate(ds: DataSource): Promise<void> {
  // Department i's parent is (i - 1) / 3: a ternary tree, depth 7 for 1,000 departments.
  await ds.query(`INSERT INTO org_departments (id, tenant_id, name, parent_id, manager_id, path, event_time)
    WITH RECURSIVE tree(i, path) AS (
      SELECT 0, '/' || ${uuidOf('d', 0)}::text || '/'
      UNION ALL
      SELECT c.i, t.path || ${uuidOf('d', 'c.i')}::text || '/'
      FROM tree t JOIN generate_series(1, ${DEPARTMENTS - 1}) AS c(i) ON (c.i - 1) / 3 = t.i)
    SELECT ${uuidOf('d', 'i')}, '${TENANT}', 'dept ' || i, CASE WHEN i = 0 THEN NULL ELSE ${uuidOf('d', '(i - 1) / 3')} END, ${uuidOf('u', 'i')}, path, now()
    FROM tree`);
  // User j works in department j % 1000; user d < 1000 manages department d (user 0, the root, is the
  // administrator); superior: the manager of the parent department, or of their own.
  await ds.query(`INSERT INTO org_users (id, tenant_id, username, name, department_id, superior_id, status, role_codes, event_time)
    SELECT ${uuidOf('u', 'j')}, '${TENANT}', 'user' || j, 'User ' || j, ${uuidOf('d', `j % ${DEPARTMENTS}`)},
      CASE WHEN j = 0 THEN NULL WHEN j < ${DEPARTMENTS} THEN ${uuidOf('u', '(j - 1) / 3')} ELSE ${uuidOf('u', `j % ${DEPARTMENTS}`)} END,
      'active', CASE WHEN j = 0 THEN ARRAY['admin'] WHEN j < ${DEPARTMENTS} THEN ARRAY['dept-manager'] ELSE ARRAY['account-manager'] END, now()
    FROM generate_series(0, ${USERS - 1}) AS j`);
  // Owners drawn by hash, recency by sequence: a subtree's customers are spread over the whole
  // updated_at order. One in a hundred is in the recycle bin.
  await ds.query(`INSERT INTO customers (id, tenant_id, code, name, type, level, phone, owner_id, tags, created_by, updated_by, created_at, updated_at, deleted_at)
    SELECT gen_random_uuid(), '${TENANT}', 'KH-20250101-' || lpad(n::text, 7, '0'), 'Customer ' || n,
      (ARRAY['enterprise', 'individual', 'government'])[1 + n % 3], (ARRAY['A', 'B', 'C'])[1 + n % 3], '0571-' || n,
      owner, '{}', owner, owner, ts - interval '30 days', ts, CASE WHEN n % 100 = 0 THEN ts ELSE NULL END
    FROM (SELECT n, ${uuidOf('u', `abs(hashtext(n::text)) % ${USERS}`)} AS owner, now() - n * interval '1 second' AS ts
          FROM generate_series(1, ${CUSTOMERS}) AS n) s`);
}

/** The rules of the default roles, and of a custom role that is SELF everywhere, through the projection's handler. */
async function storeRules(ds: DataSource): Promise<void> {
  for (const roleCode of ['admin', 'dept-manager', 'account-manager', 'sales-rep']) {
    const roleId = randomUUID();
    const event: CloudEvent<RoleDataRulesData> = {
      specversion: '1.0',
      id: randomUUID(),
      source: RoleDataRulesChanged.source,
      type: RoleDataRulesChanged.type,
      subject: roleId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      dataschema: dataschemaOf(RoleDataRulesChanged),
      tenantid: TENANT,
      data: { roleId, tenantId: TENANT, roleCode, rules: defaultDataRules(roleCode) },
    };
    await ds.transaction((m) => dataRulesHandlers[RoleDataRulesChanged.type](event as CloudEvent<unknown>, m));
  }
}

interface Persona {
  key: string;
  label: string;
  user: number;
  role: string;
  /** The customers this persona should see, computed independently of the service's SQL. */
  expected?: number;
  token?: string;
  ms: number[];
  total?: number;
  items?: number;
}

const PERSONAS: Persona[] = [
  { key: 'large', label: 'dept manager, large subtree (dept 1: a third)', user: 1, role: 'dept-manager', ms: [] },
  { key: 'small', label: 'dept manager, small subtree (dept 100: 13 depts)', user: 100, role: 'dept-manager', ms: [] },
  { key: 'department', label: 'account manager (DEPARTMENT)', user: 1500, role: 'account-manager', ms: [] },
  { key: 'self', label: 'custom role (SELF)', user: 4242, role: 'sales-rep', ms: [] },
  { key: 'admin', label: 'administrator (ALL: no scope filter)', user: 0, role: 'admin', ms: [] },
];

async function expectedTotal(ds: DataSource, p: Persona): Promise<number> {
  const live = `c.tenant_id = '${TENANT}' AND c.deleted_at IS NULL`;
  const me = uuidOf('u', p.user);
  let sql: string;
  if (p.role === 'admin') sql = `SELECT count(*) FROM customers c WHERE ${live}`;
  else if (p.role === 'sales-rep') sql = `SELECT count(*) FROM customers c WHERE ${live} AND c.owner_id = ${me}`;
  else if (p.role === 'account-manager')
    sql = `SELECT count(*) FROM customers c JOIN org_users o ON o.id = c.owner_id JOIN org_users m ON m.id = ${me} WHERE ${live} AND o.department_id = m.department_id`;
  else
    sql = `SELECT count(*) FROM customers c JOIN org_users o ON o.id = c.owner_id JOIN org_departments d ON d.id = o.department_id
           JOIN org_users m ON m.id = ${me} JOIN org_departments md ON md.id = m.department_id WHERE ${live} AND starts_with(d.path, md.path)`;
  return Number((await ds.query(sql))[0].count);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];

/** Records the statements the service's connection runs while `capturing` is on. */
function captureQueries(ds: DataSource): { start(): void; stop(): [string, unknown[]][] } {
  const logger: Logger = ds.logger;
  let captured: [string, unknown[]][] | undefined;
  const proxy = new Proxy(logger, {
    get(target, prop, receiver) {
      if (prop === 'logQuery') {
        return (query: string, parameters?: unknown[], ...rest: unknown[]) => {
          captured?.push([query, parameters ?? []]);
          return (target.logQuery as (...a: unknown[]) => unknown).call(target, query, parameters, ...rest);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  Object.defineProperty(ds, 'logger', { value: proxy, configurable: true, writable: true });
  return {
    start: () => void (captured = []),
    stop: () => {
      const out = captured ?? [];
      captured = undefined;
      return out;
    },
  };
}

async function main(): Promise<void> {
  const database = await benchDatabase('customers');
  const { url } = database;
  const broker = await startBroker({ port: 0 });

  const keys = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const jwks = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));

  // The service as `npm start` runs it: compiled by swc, which emits the decorator metadata Nest's
  // dependency injection reads (tsx's esbuild does not).
  const root = path.resolve(__dirname, '..');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require(path.join(root, 'tools', 'build.js')) as { build(): Promise<unknown> }).build();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startSales } = require(path.join(root, 'dist/apps/sales/src/main.js')) as { startSales: typeof StartSales };
  const { loadSalesConfig } = require(path.join(root, 'dist/apps/sales/src/config.js')) as { loadSalesConfig: typeof LoadSalesConfig };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = await startSales(
    loadSalesConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: url,
      KAFKA_BROKERS: broker.address,
      JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
      LOG_LEVEL: 'silent',
    }),
  );
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const ds = app.get(DataSource);
  try {
    const started = Date.now();
    await generate(ds);
    await storeRules(ds);
    // What autovacuum would have done by the time the tables are read: statistics, visibility maps.
    await ds.query('VACUUM (ANALYZE)');
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const version = (await ds.query('SHOW server_version'))[0].server_version;
    console.log(`customers list benchmark (node ${process.version}, PostgreSQL ${version}, ${os.cpus().length} cores)`);
    console.log(`  seeded ${CUSTOMERS.toLocaleString('en')} customers (1% soft-deleted), ${USERS.toLocaleString('en')} users, ${DEPARTMENTS} departments (depth 7) in ${seconds} s`);

    for (const p of PERSONAS) {
      const [u] = await ds.query(`SELECT id, username, name, department_id FROM org_users WHERE id = ${uuidOf('u', p.user)}`);
      p.token = await new SignJWT({ tid: TENANT, tcode: 'bench', username: u.username, name: u.name, dept: u.department_id, roles: [p.role] })
        .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
        .setSubject(u.id)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(keys.privateKey);
      p.expected = await expectedTotal(ds, p);
    }

    const get = async (p: Persona): Promise<{ total: number; items: unknown[] }> => {
      // Node's fetch keeps the connection alive between requests.
      const res = await fetch(`${base}${PAGE}`, { headers: { authorization: `Bearer ${p.token}` } });
      const body = (await res.json()) as { total: number; items: unknown[] };
      if (res.status !== 200) throw new Error(`${p.key}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };
    for (let i = 0; i < WARMUP; i++) for (const p of PERSONAS) await get(p);
    // Personas take turns, so that whatever else the machine does falls on all of them alike.
    for (let i = 0; i < RUNS; i++) {
      for (const p of PERSONAS) {
        const t = process.hrtime.bigint();
        const body = await get(p);
        p.ms.push(Number(process.hrtime.bigint() - t) / 1e6);
        p.total = body.total;
        p.items = body.items.length;
      }
    }

    console.log(`  GET ${PAGE} (default sort: updatedAt desc), ${RUNS} runs per persona after ${WARMUP} warm-up rounds, one request at a time:`);
    const stats = new Map<string, { p50: number; p95: number; p99: number }>();
    for (const p of PERSONAS) {
      const sorted = [...p.ms].sort((a, b) => a - b);
      const s = { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) };
      stats.set(p.key, s);
      const check = p.total === p.expected ? 'total exact' : `TOTAL WRONG (expected ${p.expected!.toLocaleString('en')})`;
      console.log(
        `    ${p.label.padEnd(50)} p50 ${s.p50.toFixed(2).padStart(6)} ms  p95 ${s.p95.toFixed(2).padStart(6)} ms  p99 ${s.p99.toFixed(2).padStart(6)} ms` +
          `  ${String(p.items)} rows of ${p.total!.toLocaleString('en').padStart(9)} (${check})`,
      );
    }
    const large = stats.get('large')!;
    const admin = stats.get('admin')!;
    const ratio = large.p95 / admin.p95;
    console.log(`  large subtree / administrator: p95 ${ratio.toFixed(2)}x, p50 ${(large.p50 / admin.p50).toFixed(2)}x`);

    // The statements of one request per persona, exactly as the service ran them, explained: the
    // server-side time of each for every persona, the whole plans for the large subtree.
    const capture = captureQueries(ds);
    const explain = async (sql: string, params: unknown[]) =>
      (await ds.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
    const timeOf = (plan: string) => Number(/Planning Time: ([\d.]+)/.exec(plan)?.[1] ?? 0) + Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? 0);
    console.log('  statements of one request, planning + execution time of each (EXPLAIN ANALYZE, so inflated by its instrumentation):');
    let seqScan: string[] = [];
    let largePlans = '';
    for (const p of PERSONAS) {
      capture.start();
      await get(p);
      const statements = capture.stop().filter(([sql]) => /^\s*SELECT/i.test(sql));
      const plans = await Promise.all(statements.map(([sql, params]) => explain(sql, params)));
      const role = (sql: string) => (/FROM data_rules/.test(sql) ? 'rules' : /COUNT\(|sum\(/i.test(sql) ? 'total' : 'page');
      console.log(`    ${p.label.padEnd(50)} ${plans.map((plan, i) => `${role(statements[i][0])} ${timeOf(plan).toFixed(2)} ms`).join(', ')}`);
      if (p.key === 'large') {
        seqScan = plans.flatMap((plan) => [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]));
        largePlans = statements.map(([sql, params], i) => `${sql}\n  -- parameters: ${JSON.stringify(params)}\n${plans[i]}`).join('\n\n');
      }
    }
    console.log(`\n  EXPLAIN (ANALYZE, BUFFERS) of the large subtree's statements:\n\n${largePlans}`);
    // One tenant holds every row of the small tables here (rules, org, counters): reading them whole is the cheaper plan.
    const scanned = [...new Set(seqScan)];
    const customersScanned = scanned.includes('customers');
    const rows = async (table: string) => Number((await ds.query('SELECT reltuples FROM pg_class WHERE relname = $1', [table]))[0]?.reltuples ?? 0);
    const sized = await Promise.all(scanned.map(async (t) => `${t} (${Math.max(0, await rows(t)).toLocaleString('en')} rows)`));
    console.log(`\n  Seq Scan in the large subtree's plans: ${sized.length ? `on ${sized.join(', ')}` : 'none'}${customersScanned ? ' (CUSTOMERS)' : ', none on customers'}`);
    const verdict = large.p95 <= 50 && ratio <= 1.3 && !customersScanned;
    console.log(`  target (p95 <= 50 ms, <= 1.3x administrator, no Seq Scan on customers): ${verdict ? 'met' : 'NOT met'} (p95 ${large.p95.toFixed(2)} ms, ${ratio.toFixed(2)}x)`);
  } finally {
    await app.close();
    await new Promise((r) => jwks.close(r));
    await broker.stop();
    await database.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
