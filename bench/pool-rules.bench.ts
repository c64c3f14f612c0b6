/**
 * One run of the customer pools' rules engine over 1,000,000 owned customers (issue 5's benchmark:
 * "recycling job over 1M pooled customers <= 30 s").
 *
 *   npm run bench:pool-rules [-- --customers 1000000]
 *
 * Starts PostgreSQL (DATABASE_URL's server if set, else an embedded one in a temp dir), migrates a
 * fresh marketing database and generates in SQL: 11 customer pools (the default one and ten
 * others, with reminder and return rules on both clocks, five administrators each), the owned
 * customers of one organisation across 10,000 owners, clocks spread (owned for up to a year, 85%
 * followed up in the last 20 days, 40% with a deal in the last 200) so that a good share (about a
 * fifth to go back, a quarter to remind) is due, and for 70% of them
 * the claim from one of the ten pools that governs them (the rest fall to the default pool). Then
 * times the recycle preview of one pool, and one run of the job (`PoolRulesJob.run`) as it runs on
 * its timer: returns (ledger, history, audit and owner-changed events in the outbox), reminders
 * (recorded, one notification per administrator). Checks that the job did what the previews said.
 */
import 'reflect-metadata';
import { benchDatabase } from './support';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { typeormOptions } from '@crm/persistence';
import { MARKETING_MIGRATIONS } from '../apps/marketing/src/migrations';
import { PoolRulesJob } from '../apps/marketing/src/pools/application/pool-rules.job';
import { dueSql, findDue } from '../apps/marketing/src/pools/infrastructure/pool-rules.repository';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '1000000' }, explain: { type: 'boolean', default: false } } });
const CUSTOMERS = Number(values.customers);
const TENANT = '00000000-0000-4000-8000-000000000001';
const USERS = 10_000;
const POOLS = 10;
const DAY_MS = 24 * 60 * 60 * 1000;

const uuidOf = (kind: string, i: number | string) => `md5('${kind}' || ${i})::uuid`;

async function generate(ds: DataSource, asOf: Date): Promise<void> {
  // Pool 0 is the default; pools 1..10 set each rule with numbers that differ per pool.
  await ds.query(`INSERT INTO pools (id, tenant_id, kind, code, name, is_default, admin_ids, member_ids, review_type, allocation, rules, created_by, updated_by)
    SELECT ${uuidOf('p', 'k')}, '${TENANT}', 'customer', 'KHMX-20250101-' || lpad(k::text, 2, '0'), 'Pool ' || k, k = 0,
      ARRAY(SELECT ${uuidOf('u', 'k * 5 + a')} FROM generate_series(0, 4) AS a), '{}', 'none', 'claim-and-assign',
      CASE WHEN k = 0 THEN '{"remindNoFollowUpDays": 14, "returnNoFollowUpDays": 60, "remindNoDealDays": 200, "returnNoDealDays": 300}'::jsonb
           ELSE jsonb_build_object('remindNoFollowUpDays', 14 + k, 'returnNoFollowUpDays', 45 + 2 * k, 'remindNoDealDays', 200 + k, 'returnNoDealDays', 300 + 2 * k) END,
      ${uuidOf('u', 0)}, ${uuidOf('u', 0)}
    FROM generate_series(0, ${POOLS}) AS k`);
  // Owners for up to a year; 85% followed up in the last 20 days, 40% with a deal in the last 200 (by hash, so neighbours differ).
  await ds.query(`INSERT INTO customer_ledger (customer_id, tenant_id, code, name, owner_id, pool_id, owned_since, last_follow_up_at, last_deal_at, deleted)
    SELECT ${uuidOf('c', 'n')}, '${TENANT}', 'KH-20250101-' || lpad(n::text, 7, '0'), 'Customer ' || n, ${uuidOf('u', `abs(hashtext(n::text)) % ${USERS}`)}, NULL,
      $1::timestamptz - (abs(hashtext('s' || n)) % (365 * 86400)) * interval '1 second',
      CASE WHEN abs(hashtext('f' || n)) % 100 < 85 THEN $1::timestamptz - (abs(hashtext('g' || n)) % (20 * 86400)) * interval '1 second' END,
      CASE WHEN abs(hashtext('d' || n)) % 100 < 40 THEN $1::timestamptz - (abs(hashtext('e' || n)) % (200 * 86400)) * interval '1 second' END,
      n % 100 = 0
    FROM generate_series(1, ${CUSTOMERS}) AS n`, [asOf]);
  // 70% were claimed by their owner from one of pools 1..10; the claim is what makes that pool govern them.
  await ds.query(`INSERT INTO customer_ownership_history (id, tenant_id, customer_id, action, from_owner_id, to_owner_id, from_pool_id, to_pool_id, actor_id, reason, at)
    SELECT gen_random_uuid(), l.tenant_id, l.customer_id, 'claim', NULL, l.owner_id, ${uuidOf('p', `1 + abs(hashtext('p' || l.code)) % ${POOLS}`)}, NULL, l.owner_id, NULL, l.owned_since
    FROM customer_ledger l WHERE abs(hashtext('h' || l.code)) % 10 < 7`);
}

async function main(): Promise<void> {
  const database = await benchDatabase('pool-rules');
  const { url } = database;
  const ds = new DataSource(typeormOptions({ url, entities: [], migrations: MARKETING_MIGRATIONS, poolSize: 4 }));
  await ds.initialize(); // runs the marketing migrations
  try {
    const asOf = new Date(Math.floor(Date.now() / 1000) * 1000);
    let started = Date.now();
    await generate(ds, asOf);
    await ds.query('VACUUM (ANALYZE)');
    const version = (await ds.query('SHOW server_version'))[0].server_version;
    console.log(`pool rules benchmark (node ${process.version}, PostgreSQL ${version}, ${os.cpus().length} cores)`);
    const [{ owned }] = await ds.query('SELECT count(*)::int AS owned FROM customer_ledger WHERE owner_id IS NOT NULL AND NOT deleted');
    const [{ history }] = await ds.query('SELECT count(*)::int AS history FROM customer_ownership_history');
    console.log(`  seeded ${CUSTOMERS.toLocaleString('en')} customers (${owned.toLocaleString('en')} owned and not deleted), ${history.toLocaleString('en')} claims, ${POOLS + 1} pools in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    if (values.explain) {
      const { sql, params } = dueSql({ tenantId: TENANT, asOf });
      const plan = await ds.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      console.log(plan.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
    }

    // The recycle preview of one pool, and the same selection for the whole organisation: what the run must do.
    const [pool] = await ds.query("SELECT id FROM pools WHERE tenant_id = $1 AND code LIKE '%-01'", [TENANT]);
    started = Date.now();
    const onePool = await findDue(ds.manager, { tenantId: TENANT, asOf, poolId: pool.id });
    const previewSeconds = (Date.now() - started) / 1000;
    const expected = { returns: new Set<string>(), reminders: new Set<string>() };
    for (const d of await findDue(ds.manager, { tenantId: TENANT, asOf })) (d.kind === 'return' ? expected.returns : expected.reminders).add(`${d.customerId} ${d.rule}`);
    console.log(`  recycle preview of one pool: ${previewSeconds.toFixed(1)} s (${onePool.length.toLocaleString('en')} rows); due in the organisation: ${expected.returns.size.toLocaleString('en')} returns, ${expected.reminders.size.toLocaleString('en')} reminders`);

    const [{ outboxBefore }] = await ds.query('SELECT count(*)::int AS "outboxBefore" FROM outbox');
    const job = new PoolRulesJob(ds, { intervalSeconds: 300 });
    started = Date.now();
    const report = await job.run(asOf);
    const seconds = (Date.now() - started) / 1000;
    const [{ outboxAfter }] = await ds.query('SELECT count(*)::int AS "outboxAfter" FROM outbox');
    console.log(`  job run: ${seconds.toFixed(1)} s (target <= 30 s) — ${report.returned.toLocaleString('en')} customers back in their pools, ${report.reminded.toLocaleString('en')} reminders in ${report.notifications} notifications, ${(outboxAfter - outboxBefore).toLocaleString('en')} outbox events`);
    console.log(`    time in each phase, summed over the slices (two run side by side): select what is due ${(report.ms.select / 1000).toFixed(1)} s, returns ${(report.ms.returns / 1000).toFixed(1)} s, reminders ${(report.ms.reminders / 1000).toFixed(1)} s`);
    const load = os.loadavg()[0];
    console.log(`    machine load average (1 min) at the end: ${load.toFixed(2)} on ${os.cpus().length} cores${load > os.cpus().length ? ' — shared with other work: times are inflated' : ''}`);

    const returned = new Set<string>((await ds.query("SELECT customer_id || ' ' || reason AS k FROM customer_ownership_history WHERE action = 'recycle' AND at = $1", [asOf])).map((r: { k: string }) => r.k));
    const reminded = new Set<string>((await ds.query('SELECT customer_id || \' \' || rule AS k FROM pool_reminders WHERE reminded_at = $1', [asOf])).map((r: { k: string }) => r.k));
    const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((k) => b.has(k));
    console.log(`  the run did what the previews said: returns ${same(expected.returns, returned) ? 'yes' : 'NO'}, reminders ${same(expected.reminders, reminded) ? 'yes' : 'NO'}`);

    started = Date.now();
    const again = await job.run(asOf);
    console.log(`  second run at the same instant: ${((Date.now() - started) / 1000).toFixed(1)} s — ${again.returned} returns, ${again.reminded} reminders (nothing repeated)`);
    if (seconds > 30) process.exitCode = 1;
  } finally {
    await ds.destroy();
    await database.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
