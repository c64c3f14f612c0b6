import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Caller, RequestContext, applyDataScope, orgProjectionHandlers } from '@crm/access';
import {
  CloudEvent,
  DATA_SCOPES,
  DataScope,
  DepartmentCreated,
  DepartmentData,
  EventDefinition,
  RoleDataRulesChanged,
  UserCreated,
  UserData,
  UserUpdated,
  dataschemaOf,
} from '@crm/contracts';
import { typeormOptions } from '@crm/persistence';
import { createTestDatabase, testInfraFromEnv } from '@crm/testing';
import { CustomerQueries } from '../src/application/customers/customer-queries';
import { CustomerEntity } from '../src/infrastructure/customer.entity';
import { SALES_ENTITIES } from '../src/infrastructure/entities';
import { SALES_MIGRATIONS } from '../src/migrations';

/** mulberry32: a small seeded PRNG, so a failure replays with the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The counters behind the customer list's `total` (migrations/customer-counts): after random
 * writes of every kind (creates, bulk owner changes, soft deletes, restores, hard deletes, users
 * arriving late, moving and leaving, truncation) and under concurrent writers, they equal a recount
 * of the tables, and the list's total equals an exact count of the scoped query for every scope.
 */
describe('sales: customer counters', () => {
  const SEED = Number(process.env.CUSTOMER_COUNTS_SEED ?? 20250402);
  const random = prng(SEED);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const T = randomUUID();
  let ds: DataSource;
  let url: string;
  let queries: CustomerQueries;
  const departments: DepartmentData[] = [];
  const users: UserData[] = [];
  let serial = 0;

  const apply = async <D>(def: EventDefinition<D>, subject: string, data: D, time = new Date()): Promise<void> => {
    const event: CloudEvent<D> = {
      specversion: '1.0',
      id: randomUUID(),
      source: def.source,
      type: def.type,
      subject,
      time: time.toISOString(),
      datacontenttype: 'application/json',
      dataschema: dataschemaOf(def),
      tenantid: T,
      data,
    };
    await ds.transaction((m) => orgProjectionHandlers[def.type](event as CloudEvent<unknown>, m));
  };
  const department = async (name: string, parent?: DepartmentData): Promise<DepartmentData> => {
    const id = randomUUID();
    const d: DepartmentData = { id, tenantId: T, name, parentId: parent?.id ?? null, managerId: null, path: `${parent?.path ?? '/'}${id}/` };
    await apply(DepartmentCreated, id, d);
    return d;
  };
  const newUser = (username: string, d: DepartmentData): UserData => ({
    id: randomUUID(), tenantId: T, username, name: username, phone: null, email: null, departmentId: d.id, superiorId: users.length ? pick(users).id : null, status: 'active', roleCodes: [],
  });
  const insertCustomers = (owners: string[], deleted = false, db: { query(sql: string, params: unknown[]): Promise<unknown> } = ds) =>
    db.query(
      `INSERT INTO customers (id, tenant_id, code, name, owner_id, created_by, updated_by, deleted_at)
       SELECT gen_random_uuid(), $1, 'KH-T-' || $2::int || '-' || o.n, 'c', o.owner, o.owner, o.owner, CASE WHEN $3 THEN now() END
       FROM unnest($4::uuid[]) WITH ORDINALITY AS o(owner, n)`,
      [T, ++serial, deleted, owners],
    );

  /** The counters as the triggers kept them, against a recount of customers and org_users. */
  async function expectCountersExact(): Promise<void> {
    const [row] = await ds.query(
      `WITH truth AS (
         SELECT c.owner_id, count(*) AS live, (SELECT u.department_id FROM org_users u WHERE u.id = c.owner_id AND u.tenant_id = c.tenant_id) AS department_id
         FROM customers c WHERE c.tenant_id = $1 AND c.deleted_at IS NULL GROUP BY c.tenant_id, c.owner_id)
       SELECT
         (SELECT count(*) FROM (
            SELECT owner_id, live, department_id FROM truth
            EXCEPT SELECT owner_id, live, department_id FROM customer_owner_counts WHERE tenant_id = $1 AND live <> 0) x)::int AS owners_missing,
         (SELECT count(*) FROM (
            SELECT owner_id, live, department_id FROM customer_owner_counts WHERE tenant_id = $1 AND live <> 0
            EXCEPT SELECT owner_id, live, department_id FROM truth) x)::int AS owners_extra,
         (SELECT count(*) FROM customer_owner_counts k WHERE k.tenant_id = $1
            AND k.department_id IS DISTINCT FROM (SELECT u.department_id FROM org_users u WHERE u.id = k.owner_id AND u.tenant_id = k.tenant_id))::int AS stale_departments,
         (SELECT count(*) FROM (
            SELECT department_id, sum(live) FROM truth WHERE department_id IS NOT NULL GROUP BY department_id
            EXCEPT SELECT department_id, live FROM customer_department_counts WHERE tenant_id = $1 AND live <> 0) x)::int AS departments_missing,
         (SELECT count(*) FROM (
            SELECT department_id, live FROM customer_department_counts WHERE tenant_id = $1 AND live <> 0
            EXCEPT SELECT department_id, sum(live) FROM truth WHERE department_id IS NOT NULL GROUP BY department_id) x)::int AS departments_extra`,
      [T],
    );
    expect({ seed: SEED, ...row }).toEqual({ seed: SEED, owners_missing: 0, owners_extra: 0, stale_departments: 0, departments_missing: 0, departments_extra: 0 });
  }

  const ctxOf = (u: UserData, scopes: DataScope[]): RequestContext => ({
    caller: { userId: u.id, tenantId: T, tenantCode: 't', username: u.username, name: u.name, departmentId: u.departmentId, roleCodes: scopes.map((s) => `r-${s}`) } as Caller,
  });

  const COMBINATIONS: DataScope[][] = [
    ['SELF_AND_SUBORDINATES', 'DEPARTMENT'],
    ['SELF_AND_SUBORDINATES', 'DEPARTMENT_AND_SUBDEPARTMENTS'],
    ['DEPARTMENT', 'DEPARTMENT_AND_SUBDEPARTMENTS'],
    ['SELF', 'DEPARTMENT'],
  ];

  /** The list's total (from counters) against an exact count of the same scoped query, unfiltered and for one owner. */
  async function expectTotalsExact(callers: number): Promise<void> {
    for (let i = 0; i < callers; i++) {
      const who = pick(users);
      for (const scopes of [...DATA_SCOPES.map((s) => [s]), ...COMBINATIONS]) {
        const ctx = ctxOf(who, scopes);
        const owner = pick(users).id;
        for (const query of [{}, { ownerId: owner }]) {
          const qb = ds.getRepository(CustomerEntity).createQueryBuilder('c').where('c.deletedAt IS NULL');
          if ('ownerId' in query) qb.andWhere('c.ownerId = :owner', { owner });
          const exact = await (await applyDataScope(qb, ctx.caller, { object: 'customer', action: 'query', alias: 'c' })).getCount();
          const { total } = await queries.list(ctx, { ...query, pageSize: '1' });
          expect({ seed: SEED, who: who.username, scopes, query, total }).toEqual({ seed: SEED, who: who.username, scopes, query, total: exact });
        }
      }
    }
  }

  beforeAll(async () => {
    url = await createTestDatabase(testInfraFromEnv().postgresUrl, 'sales_customer_counts');
    ds = new DataSource(typeormOptions({ url, entities: SALES_ENTITIES, migrations: SALES_MIGRATIONS, poolSize: 4 }));
    await ds.initialize();
    queries = new CustomerQueries(ds);
    departments.push(await department('root'));
    for (let i = 1; i < 12; i++) departments.push(await department(`d${i}`, pick(departments)));
    for (let i = 0; i < 40; i++) {
      const u = newUser(`u${i}`, pick(departments));
      users.push(u);
      await apply(UserCreated, u.id, u);
    }
    for (const scope of DATA_SCOPES) {
      const roleId = randomUUID();
      await apply(RoleDataRulesChanged, roleId, { roleId, tenantId: T, roleCode: `r-${scope}`, rules: [{ object: 'customer', action: 'query', scope }] });
    }
  }, 60_000);

  afterAll(() => ds?.destroy());

  it(`stay exact through random writes of every kind (seed ${SEED})`, async () => {
    const at = (ms: number) => new Date(Date.now() + ms);
    let clock = 1000;
    for (let round = 0; round < 12; round++) {
      // Creates, several owners per statement, some straight into the recycle bin.
      await insertCustomers(Array.from({ length: 1 + Math.floor(random() * 30) }, () => pick(users).id), random() < 0.2);
      // Customers of someone the projection does not know yet, who arrives later.
      if (round % 4 === 0) {
        const late = newUser(`late${round}`, pick(departments));
        await insertCustomers([late.id, late.id, late.id]);
        await expectCountersExact();
        users.push(late);
        await apply(UserCreated, late.id, late);
      }
      // A handover: every record of one owner to another, in one statement.
      const [from, to] = [pick(users), pick(users)];
      await ds.query('UPDATE customers SET owner_id = $2, updated_at = now() WHERE tenant_id = $3 AND owner_id = $1', [from.id, to.id, T]);
      // Soft deletes and restores, edits that change no count, a hard delete.
      await ds.query('UPDATE customers SET deleted_at = now() WHERE id IN (SELECT id FROM customers WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY random() LIMIT 5)', [T]);
      await ds.query('UPDATE customers SET deleted_at = NULL WHERE id IN (SELECT id FROM customers WHERE tenant_id = $1 AND deleted_at IS NOT NULL ORDER BY random() LIMIT 3)', [T]);
      await ds.query("UPDATE customers SET name = name || '.' WHERE tenant_id = $1", [T]);
      await ds.query('DELETE FROM customers WHERE id IN (SELECT id FROM customers WHERE tenant_id = $1 ORDER BY random() LIMIT 2)', [T]);
      // Users move between departments (newer events), and an older event that must change nothing.
      for (const u of [pick(users), pick(users)]) {
        u.departmentId = pick(departments).id;
        await apply(UserUpdated, u.id, { ...u }, at((clock += 1000)));
      }
      await apply(UserUpdated, users[0].id, { ...users[0], departmentId: pick(departments).id }, new Date(0));
      await expectCountersExact();
    }
    // A user leaving the projection altogether.
    const gone = users.pop()!;
    await ds.query('DELETE FROM org_users WHERE id = $1', [gone.id]);
    await expectCountersExact();
    await expectTotalsExact(12);
    await ds.query('TRUNCATE customers CASCADE');
    await expectCountersExact();
    await insertCustomers(users.map((u) => u.id));
    await expectCountersExact();
    await expectTotalsExact(4);
  }, 120_000);

  it('stay exact when a customer is written while its owner moves, in either order', async () => {
    const a = new Client({ connectionString: url });
    const b = new Client({ connectionString: url });
    await a.connect();
    await b.connect();
    try {
      for (const customerFirst of [true, false]) {
        for (const fresh of [true, false]) {
          // `fresh`: the owner has no counter yet, so the writer of the customer creates it.
          const u = newUser(`mover-${customerFirst}-${fresh}`, departments[1]);
          users.push(u);
          await apply(UserCreated, u.id, u);
          if (fresh) await ds.query('DELETE FROM customer_owner_counts WHERE tenant_id = $1 AND owner_id = $2', [T, u.id]);
          else await insertCustomers([u.id]);
          const target = departments[2];
          await a.query('BEGIN');
          await b.query('BEGIN');
          const moveUser = () => b.query('UPDATE org_users SET department_id = $2, event_time = now() WHERE id = $1', [u.id, target.id]);
          let second: Promise<unknown>;
          if (customerFirst) {
            await insertCustomers([u.id, u.id], false, a);
            second = moveUser(); // waits for the customer's writer
          } else {
            await moveUser();
            second = insertCustomers([u.id, u.id], false, a); // waits for the move
          }
          await new Promise((r) => setTimeout(r, 100));
          await (customerFirst ? a : b).query('COMMIT');
          await second;
          await (customerFirst ? b : a).query('COMMIT');
          u.departmentId = target.id;
          await expectCountersExact();
        }
      }
    } finally {
      await a.end();
      await b.end();
    }
  }, 60_000);
});
