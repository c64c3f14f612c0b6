/**
 * Claims from a customer pool per second with every quota enforced (issue 5's benchmark:
 * "claims >= 500/s with quotas enforced").
 *
 *   npm run bench:pool-claims [-- --customers 100000 --users 200 --concurrency 16 --seconds 20]
 *
 * Starts PostgreSQL (DATABASE_URL's server if set, else an embedded one in a temp dir), migrates a
 * fresh marketing database, generates one claim-and-assign pool whose members are the users, with
 * all three quotas set (held, per day, same customer), and the pooled customers. Then the users
 * claim one customer per request, `concurrency` requests at a time, through the claim use case
 * (`ClaimCustomersHandler`: quota lock, ledger row lock, quota counts, history, audit entry and
 * owner-changed event in the outbox, one transaction each) — the service's work minus HTTP. Each
 * user's daily quota runs out halfway, so about half the requests are refusals the quotas decide.
 * Prints claims/s granted, requests/s, and checks that no user exceeded a quota.
 */
import 'reflect-metadata';
import { benchDatabase } from './support';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { AppError } from '@crm/kernel';
import { typeormOptions } from '@crm/persistence';
import { MARKETING_MIGRATIONS } from '../apps/marketing/src/migrations';
import { ClaimCustomersHandler } from '../apps/marketing/src/pools/application/claim-customers.handler';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    users: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
    requests: { type: 'string', default: '20000' },
  },
});
const CUSTOMERS = Number(values.customers);
const USERS = Number(values.users);
const CONCURRENCY = Number(values.concurrency);
const REQUESTS = Number(values.requests);
const TENANT = '00000000-0000-4000-8000-000000000001';
const POOL = '00000000-0000-4000-8000-00000000beef';
/** Each user may claim this many a day: the quotas refuse about half of the requests. */
const PER_DAY = Math.max(1, Math.floor(REQUESTS / USERS / 2));

const uuidOf = (kind: string, i: number | string) => `md5('${kind}' || ${i})::uuid`;

async function generate(ds: DataSource): Promise<void> {
  await ds.query(`INSERT INTO pools (id, tenant_id, kind, code, name, is_default, admin_ids, member_ids, review_type, allocation, rules, created_by, updated_by)
    VALUES ('${POOL}', '${TENANT}', 'customer', 'KHMX-20250101-01', 'Bench pool', true, '{}',
      ARRAY(SELECT ${uuidOf('u', 'j')} FROM generate_series(0, ${USERS - 1}) AS j), 'none', 'claim-and-assign',
      '{"maxHeld": ${PER_DAY * 10}, "maxClaimsPerDay": ${PER_DAY}, "maxClaimsSameCustomer": 1, "reclaimLimitLiftsAfterDays": 30}'::jsonb,
      ${uuidOf('u', 0)}, ${uuidOf('u', 0)})`);
  await ds.query(`INSERT INTO customer_ledger (customer_id, tenant_id, code, name, owner_id, pool_id, owned_since, deleted)
    SELECT ${uuidOf('c', 'n')}, '${TENANT}', 'KH-20250101-' || lpad(n::text, 7, '0'), 'Customer ' || n, NULL, '${POOL}', now() - interval '1 day', false
    FROM generate_series(1, ${CUSTOMERS}) AS n`);
}

async function main(): Promise<void> {
  const database = await benchDatabase('pool-claims');
  const { url } = database;
  const ds = new DataSource(typeormOptions({ url, entities: [], migrations: MARKETING_MIGRATIONS, poolSize: CONCURRENCY + 2 }));
  await ds.initialize();
  try {
    await generate(ds);
    await ds.query('VACUUM (ANALYZE)');
    const version = (await ds.query('SHOW server_version'))[0].server_version;
    const userIds: string[] = (await ds.query(`SELECT unnest(member_ids)::text AS id FROM pools WHERE id = '${POOL}'`)).map((r: { id: string }) => r.id);
    const customerIds: string[] = (await ds.query(`SELECT customer_id::text AS id FROM customer_ledger ORDER BY random() LIMIT ${REQUESTS}`)).map((r: { id: string }) => r.id);
    console.log(`pool claims benchmark (node ${process.version}, PostgreSQL ${version}, ${os.cpus().length} cores)`);
    console.log(`  ${CUSTOMERS.toLocaleString('en')} pooled customers, ${USERS} members, quotas: ${PER_DAY}/day, ${PER_DAY * 10} held, same customer once; ${REQUESTS.toLocaleString('en')} requests, ${CONCURRENCY} at a time`);

    const claims = new ClaimCustomersHandler(ds);
    const ctxOf = (userId: string): RequestContext => ({
      caller: { userId, tenantId: TENANT, tenantCode: 'bench', username: userId, name: userId, departmentId: TENANT, roleCodes: ['account-manager'] },
    });
    const outcomes = new Map<string, number>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < REQUESTS; i = next++) {
          const who = userIds[i % USERS];
          try {
            await claims.execute(ctxOf(who), POOL, [customerIds[i]]);
            outcomes.set('granted', (outcomes.get('granted') ?? 0) + 1);
          } catch (err) {
            const code = err instanceof AppError ? err.code : `error: ${(err as Error).message}`;
            outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
          }
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const granted = outcomes.get('granted') ?? 0;
    console.log(`  ${REQUESTS.toLocaleString('en')} requests in ${seconds.toFixed(1)} s: ${(REQUESTS / seconds).toFixed(0)} requests/s, ${(granted / seconds).toFixed(0)} claims granted/s (target >= 500)`);
    console.log(`  outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    const [{ over }] = await ds.query(
      `SELECT count(*)::int AS over FROM (SELECT to_owner_id FROM customer_ownership_history WHERE action = 'claim' GROUP BY to_owner_id HAVING count(*) > $1) x`,
      [PER_DAY],
    );
    console.log(`  users over their daily quota: ${over} (must be 0); granted = members × quota: ${granted === USERS * PER_DAY ? 'yes' : 'no'}`);
    const load = os.loadavg()[0];
    console.log(`  machine load average (1 min): ${load.toFixed(2)} on ${os.cpus().length} cores${load > os.cpus().length ? ' — shared with other work: figures are pessimistic' : ''}`);
    if (over > 0) process.exitCode = 1;
  } finally {
    await ds.destroy();
    await database.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
