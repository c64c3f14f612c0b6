import { randomUUID } from 'node:crypto';
import { KafkaMessage } from 'kafkajs';
import { CustomerCreated, CustomerData, CustomerOwnerChanged, FollowUpRecorded, MarketingNotificationRequested, UserData, dataschemaOf } from '@crm/contracts';
import { PoolRulesJob } from '../src/pools/application/pool-rules.job';
import { MarketingHarness, eventually, startMarketingHarness } from './support';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The customer pools' rules engine (reminders and recycling) on the marketing harness. Sales is not
 * running: customers and follow-ups arrive as sales' events; deals have no event yet, so the
 * no-deal clock's `last_deal_at` is set in SQL. Time is simulated by running the job (and asking
 * the preview) at instants days after a fixed clock start T0 the customers' ledger rows are given.
 */
describe('marketing: pool rules engine — reminders, recycling, preview, pool status', () => {
  let h: MarketingHarness;
  let tenantA: string;
  let rep1: UserData, rep2: UserData, manager: UserData, admin: UserData, adminB: UserData;
  let job: PoolRulesJob;
  let defaultPool: { id: string };
  let counter = 0;
  const T0 = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const at = (days: number, ms = 0) => new Date(T0.getTime() + days * DAY + ms);
  const call = (as: UserData, method: string, path: string, body?: unknown) => h.call(as, method, path, body);

  const createPool = async (rules: Record<string, number>, extra: Record<string, unknown> = {}) => {
    const res = await call(admin, 'POST', '/api/v1/customer-pools', {
      name: `Rules pool ${++counter}`, isDefault: false, adminIds: [manager.id], memberIds: [rep1.id, rep2.id], reviewType: 'none', allocation: 'claim-and-assign', rules, ...extra,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const customerData = (owner: UserData): CustomerData => {
    const now = new Date().toISOString();
    const n = ++counter;
    return {
      id: randomUUID(), tenantId: owner.tenantId, code: `KH-20250328-${String(n).padStart(4, '0')}`, name: `Rules customer ${n}`, shortName: null, type: null, source: null, industry: null,
      level: null, region: null, address: null, phone: null, email: null, website: null, unifiedSocialCreditCode: null, ownerId: owner.id, poolId: null, tags: [],
      remarks: null, createdBy: owner.id, updatedBy: owner.id, createdAt: now, updatedAt: now, deletedAt: null,
    };
  };
  const ledgerOf = async (id: string) => (await h.db.query('SELECT * FROM customer_ledger WHERE customer_id = $1', [id])).rows[0];
  /** Customers as sales announces them, owned by `owner` since T0 (no history: the default pool governs them). */
  const created = async (owner: UserData, n: number): Promise<string[]> => {
    const list = Array.from({ length: n }, () => customerData(owner));
    for (const c of list) await h.identity.publish(CustomerCreated, c);
    const ids = list.map((c) => c.id);
    await eventually(
      async () => (Number((await h.db.query('SELECT count(*) FROM customer_ledger WHERE customer_id = ANY($1)', [ids])).rows[0].count) === n ? true : undefined),
      30_000,
      `${n} customers in the ledger`,
    );
    await h.db.query('UPDATE customer_ledger SET owned_since = $2 WHERE customer_id = ANY($1)', [ids, T0]);
    return ids;
  };
  /** Customers `owner` claimed from `pool` (through the API), their clocks then set to start at T0. */
  const claimedFrom = async (pool: { id: string }, owner: UserData, n: number): Promise<string[]> => {
    const ids = await created(admin, n);
    await h.db.query('UPDATE customer_ledger SET owner_id = NULL, pool_id = $1 WHERE customer_id = ANY($2)', [pool.id, ids]);
    const res = await call(owner, 'POST', `/api/v1/customer-pools/${pool.id}/claims`, { customerIds: ids });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(ids.map(() => 'ok'));
    await h.db.query('UPDATE customer_ledger SET owned_since = $2 WHERE customer_id = ANY($1)', [ids, T0]);
    return ids;
  };
  const followUp = async (customerId: string, owner: UserData, time: Date) => {
    const iso = time.toISOString();
    await h.identity.publish(FollowUpRecorded, {
      id: randomUUID(), tenantId: tenantA, customerId, contactId: null, ownerId: owner.id, type: 'call', content: 'Called', time: iso, nextFollowUpAt: null, createdAt: iso, updatedAt: iso, deletedAt: null,
    });
    await eventually(async () => ((await ledgerOf(customerId)).last_follow_up_at?.getTime() === time.getTime() ? true : undefined), 15_000, 'follow-up in the ledger');
  };
  const preview = async (pool: { id: string }, asOf: Date, as = manager) => {
    const res = await call(as, 'POST', `/api/v1/customer-pools/${pool.id}/recycle-preview`, { asOf: asOf.toISOString() });
    expect(res.status).toBe(200);
    return res.body as { asOf: string; reminders: Due[]; returns: Due[] };
  };
  type Due = { customerId: string; code: string; name: string; ownerId: string; rule: string; days: number; clockStartedAt: string; dueAt: string };
  const pairs = (list: { customerId: string; rule: string }[], among?: string[]) =>
    list.filter((d) => !among || among.includes(d.customerId)).map((d) => `${d.customerId} ${d.rule}`).sort();
  const recycled = async (ids: string[]) =>
    (await h.db.query("SELECT customer_id, reason, to_pool_id, from_owner_id, actor_id, at FROM customer_ownership_history WHERE action = 'recycle' AND customer_id = ANY($1) ORDER BY customer_id", [ids])).rows;
  const remindersOf = async (ids: string[]) => (await h.db.query('SELECT customer_id, rule, clock_started_at, reminded_at FROM pool_reminders WHERE customer_id = ANY($1)', [ids])).rows;
  const messagesAbout = (msgs: KafkaMessage[], pred: (event: { data: Record<string, unknown> }) => boolean) =>
    msgs.map((m) => JSON.parse(String(m.value))).filter((e) => e.tenantid === tenantA && pred(e));

  beforeAll(async () => {
    h = await startMarketingHarness('marketing_pool_rules');
    ({ tenantA } = h);
    ({ rep1, rep2, manager, admin, adminB } = h.users);
    job = h.app.get(PoolRulesJob);
    // The organisation's default pool governs customers nobody claimed; no rules of its own until the last test.
    defaultPool = await createPool({}, { isDefault: true, adminIds: [admin.id] });
  }, 90_000);

  afterAll(() => h?.stop());

  it('returns a customer after N days without follow-up, exactly at the boundary (N × 24 h); a follow-up restarts the clock', async () => {
    const pool = await createPool({ remindNoFollowUpDays: 3, returnNoFollowUpDays: 7 });
    const [idle, followed] = await claimedFrom(pool, rep1, 2);
    await followUp(followed, rep1, at(2));

    // One millisecond before 7 × 24 h: nothing goes back.
    const before = await preview(pool, at(7, -1));
    expect(pairs(before.returns)).toEqual([]);
    expect((await job.run(at(7, -1))).returned).toBe(0);
    expect((await ledgerOf(idle)).owner_id).toBe(rep1.id);

    // At the instant: the idle one goes back to the pool it was claimed from; the followed-up one's clock started on day 2.
    const due = await preview(pool, at(7));
    expect(due.returns).toEqual([
      { customerId: idle, code: expect.any(String), name: expect.any(String), ownerId: rep1.id, rule: 'returnNoFollowUpDays', days: 7, clockStartedAt: T0.toISOString(), dueAt: at(7).toISOString() },
    ]);
    await job.run(at(7));
    expect(await ledgerOf(idle)).toMatchObject({ owner_id: null, pool_id: pool.id });
    expect((await ledgerOf(idle)).owned_since.getTime()).toBe(at(7).getTime());
    expect(await ledgerOf(followed)).toMatchObject({ owner_id: rep1.id, pool_id: null });
    expect(await recycled([idle, followed])).toEqual([{ customer_id: idle, reason: 'returnNoFollowUpDays', to_pool_id: pool.id, from_owner_id: rep1.id, actor_id: null, at: at(7) }]);

    // The history answers it; the owner-changed event (for sales) and the audit entry are by the system.
    const history = await call(admin, 'GET', `/api/v1/customers/${idle}/ownership-history`);
    expect(history.body.items[0]).toMatchObject({ action: 'recycle', fromOwnerId: rep1.id, toOwnerId: null, toPoolId: pool.id, actorId: null, reason: 'returnNoFollowUpDays' });
    const owned = messagesAbout(
      await h.identity.readTopic(CustomerOwnerChanged.topic, (msgs) => msgs.some((m) => String(m.key) === idle && JSON.parse(String(m.value)).data.action === 'recycle')),
      (e) => e.data.customerId === idle && e.data.action === 'recycle',
    );
    expect(owned).toHaveLength(1);
    expect(owned[0]).toMatchObject({
      specversion: '1.0', source: '/crm/marketing', type: CustomerOwnerChanged.type, subject: idle, datacontenttype: 'application/json', dataschema: dataschemaOf(CustomerOwnerChanged),
      data: { customerId: idle, tenantId: tenantA, ownerId: null, poolId: pool.id, action: 'recycle', actorId: null, at: at(7).toISOString() },
    });
    const audits = messagesAbout(
      await h.identity.readTopic('marketing.audit.v1', (msgs) => msgs.some((m) => String(m.key) === idle && JSON.parse(String(m.value)).data.actorId === null)),
      (e) => e.data.objectId === idle && e.data.actorId === null,
    );
    expect(audits.map((e) => e.data)).toEqual([
      expect.objectContaining({ objectType: 'customer', action: 'owner-change', service: 'marketing', changes: [{ field: 'ownerId', before: rep1.id, after: null }, { field: 'poolId', before: null, after: pool.id }] }),
    ]);

    // The followed-up customer: 7 days after its follow-up (day 2 + 7 = day 9).
    expect(pairs((await preview(pool, at(9, -1))).returns)).toEqual([]);
    await job.run(at(9));
    expect(await recycled([followed])).toEqual([expect.objectContaining({ customer_id: followed, reason: 'returnNoFollowUpDays', at: at(9) })]);
  });

  it('reminds and returns on the no-deal clock; a deal restarts it', async () => {
    const pool = await createPool({ remindNoDealDays: 5, returnNoDealDays: 10 });
    const [idle, dealt] = await claimedFrom(pool, rep2, 2);
    await h.db.query('UPDATE customer_ledger SET last_deal_at = $2 WHERE customer_id = $1', [dealt, at(3)]);

    // Five days to the millisecond (the tenant's shortest no-deal rule, so also the edge of the job's pre-filter).
    expect(pairs((await preview(pool, at(5, -1))).reminders, [idle, dealt])).toEqual([]);
    expect(pairs((await preview(pool, at(5))).reminders, [idle, dealt])).toEqual([`${idle} remindNoDealDays`]);
    await job.run(at(5));
    expect((await remindersOf([idle, dealt])).map((r) => `${r.customer_id} ${r.rule}`)).toEqual([`${idle} remindNoDealDays`]);
    await job.run(at(10));
    expect(await recycled([idle, dealt])).toEqual([expect.objectContaining({ customer_id: idle, reason: 'returnNoDealDays', to_pool_id: pool.id, at: at(10) })]);
    // The dealt one: reminded on day 8 (3 + 5), back on day 13.
    expect((await remindersOf([dealt])).map((r) => r.rule)).toEqual(['remindNoDealDays']);
    expect((await remindersOf([dealt]))[0].clock_started_at.getTime()).toBe(at(3).getTime());
    await job.run(at(13));
    expect(await recycled([dealt])).toEqual([expect.objectContaining({ customer_id: dealt, reason: 'returnNoDealDays', at: at(13) })]);
  });

  it('reminds the pool administrators once per customer, rule and clock start, in one notification per administrator per run', async () => {
    const pool = await createPool({ remindNoFollowUpDays: 3, remindNoDealDays: 4 });
    const ids = await claimedFrom(pool, rep1, 3);

    const report = await job.run(at(3));
    expect(report.reminded).toBeGreaterThanOrEqual(3);
    expect((await remindersOf(ids)).map((r) => `${r.customer_id} ${r.rule}`).sort()).toEqual(ids.map((id) => `${id} remindNoFollowUpDays`).sort());
    const codes = (await h.db.query('SELECT code FROM customer_ledger WHERE customer_id = ANY($1) ORDER BY code', [ids])).rows.map((r) => r.code);
    const notes = messagesAbout(
      await h.identity.readTopic(MarketingNotificationRequested.topic, (msgs) => msgs.some((m) => codes.every((c: string) => String(m.value).includes(c)))),
      (e) => codes.every((c: string) => String(e.data.body).includes(c)),
    );
    expect(notes).toHaveLength(1);
    expect(notes[0].data).toMatchObject({ recipientIds: [manager.id], kind: 'pool.reminder', service: 'marketing', subject: { objectType: 'customer-pool', objectId: pool.id } });
    expect(notes[0].data.title).toMatch(/3 customers without follow-up/);

    // Run again at the same instant, and later: nothing new for the same clocks, except the no-deal rule falling due on day 4.
    expect(pairs((await preview(pool, at(3))).reminders, ids)).toEqual([]);
    await job.run(at(3));
    await job.run(at(4));
    await job.run(at(6));
    const rows = await remindersOf(ids);
    expect(rows.map((r) => `${r.customer_id} ${r.rule}`).sort()).toEqual([...ids.map((id) => `${id} remindNoFollowUpDays`), ...ids.map((id) => `${id} remindNoDealDays`)].sort());
    expect(rows.filter((r) => r.rule === 'remindNoFollowUpDays').every((r) => r.reminded_at.getTime() === at(3).getTime())).toBe(true);

    // A follow-up restarts the clock: three more idle days remind again.
    await followUp(ids[0], rep1, at(5));
    expect(pairs((await preview(pool, at(8, -1))).reminders, ids)).toEqual([]);
    expect(pairs((await preview(pool, at(8))).reminders, ids)).toEqual([`${ids[0]} remindNoFollowUpDays`]);
    await job.run(at(8));
    const again = (await remindersOf([ids[0]])).filter((r) => r.rule === 'remindNoFollowUpDays');
    expect(again.map((r) => r.clock_started_at.getTime())).toEqual([at(5).getTime()]); // the outdated one is forgotten
  });

  it('does exactly what the preview said, as of the same instant', async () => {
    const pool = await createPool({ remindNoFollowUpDays: 2, remindNoDealDays: 4, returnNoFollowUpDays: 6, returnNoDealDays: 9 });
    const ids = await claimedFrom(pool, rep2, 12);
    // Clocks spread: owners since day -i/2, some followed up, some with a deal.
    for (let i = 0; i < ids.length; i++) {
      await h.db.query('UPDATE customer_ledger SET owned_since = $2, last_follow_up_at = $3, last_deal_at = $4 WHERE customer_id = $1', [
        ids[i], at(-i / 2), i % 3 === 0 ? at(-i / 4) : null, i % 4 === 0 ? at(1 - i / 3) : null,
      ]);
    }
    const asOf = at(3, 123);
    const expected = await preview(pool, asOf);
    expect(expected.returns.length).toBeGreaterThan(0);
    expect(expected.reminders.length).toBeGreaterThan(0);
    expect(new Set(expected.returns.map((r) => r.customerId)).size).toBe(expected.returns.length); // one rule per customer going back
    for (const r of [...expected.returns, ...expected.reminders]) expect(new Date(r.dueAt).getTime()).toBeLessThanOrEqual(asOf.getTime());

    await job.run(asOf);
    const returned = (await h.db.query("SELECT customer_id, reason AS rule FROM customer_ownership_history WHERE action = 'recycle' AND to_pool_id = $1 AND at = $2", [pool.id, asOf])).rows;
    const reminded = (await h.db.query('SELECT customer_id, rule FROM pool_reminders WHERE pool_id = $1 AND reminded_at = $2', [pool.id, asOf])).rows;
    expect(pairs(returned.map((r) => ({ customerId: r.customer_id, rule: r.rule })))).toEqual(pairs(expected.returns));
    expect(pairs(reminded.map((r) => ({ customerId: r.customer_id, rule: r.rule })))).toEqual(pairs(expected.reminders));
    const after = await preview(pool, asOf);
    expect({ returns: after.returns, reminders: after.reminders }).toEqual({ returns: [], reminders: [] });
  });

  it('lets only the pool\u2019s administrators (and organisation administrators) preview', async () => {
    const pool = await createPool({ returnNoFollowUpDays: 5 });
    expect((await call(manager, 'POST', `/api/v1/customer-pools/${pool.id}/recycle-preview`, {})).status).toBe(200);
    expect((await call(admin, 'POST', `/api/v1/customer-pools/${pool.id}/recycle-preview`, { asOf: at(1).toISOString() })).status).toBe(200);
    const member = await call(rep1, 'POST', `/api/v1/customer-pools/${pool.id}/recycle-preview`, {});
    expect([member.status, member.body.code]).toEqual([403, 'POOL.NOT_ADMIN']);
    expect((await call(adminB, 'POST', `/api/v1/customer-pools/${pool.id}/recycle-preview`, {})).status).toBe(404);
    expect((await call(admin, 'POST', `/api/v1/customer-pools/${pool.id}/recycle-preview`, { asOf: 'yesterday' })).status).toBe(400);
  });

  it('tells the owner when and why the customer would go back (pool status), as the job and the preview see it', async () => {
    const pool = await createPool({ remindNoFollowUpDays: 30, remindNoDealDays: 2, returnNoFollowUpDays: 20, returnNoDealDays: 40 });
    const [id] = await claimedFrom(pool, rep1, 1);
    await followUp(id, rep1, at(1));

    const res = await call(rep1, 'GET', `/api/v1/customers/${id}/pool-status`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      customerId: id, ownerId: rep1.id, poolId: null, governingPoolId: pool.id,
      clocks: { noFollowUpSince: at(1).toISOString(), noDealSince: T0.toISOString() },
      nextReturn: { rule: 'returnNoFollowUpDays', days: 20, clockStartedAt: at(1).toISOString(), dueAt: at(21).toISOString() },
      // The no-follow-up reminder would come after the return (day 31): only the no-deal one is ahead.
      nextReminder: { rule: 'remindNoDealDays', days: 2, clockStartedAt: T0.toISOString(), dueAt: at(2).toISOString() },
    });
    // The preview agrees on the instant.
    expect((await preview(pool, at(21))).returns.find((r) => r.customerId === id)?.dueAt).toBe(res.body.nextReturn.dueAt);

    await job.run(at(2));
    expect((await call(rep1, 'GET', `/api/v1/customers/${id}/pool-status`)).body.nextReminder).toBeNull();
    expect((await call(admin, 'GET', `/api/v1/customers/${id}/pool-status`)).status).toBe(200);
    expect((await call(rep2, 'GET', `/api/v1/customers/${id}/pool-status`)).status).toBe(403);
    expect((await call(adminB, 'GET', `/api/v1/customers/${id}/pool-status`)).status).toBe(404);
    expect((await call(rep1, 'GET', `/api/v1/customers/${randomUUID()}/pool-status`)).status).toBe(404);

    await job.run(at(21));
    const pooled = await call(rep2, 'GET', `/api/v1/customers/${id}/pool-status`); // a member of the pool now holding it
    expect(pooled.status).toBe(200);
    expect(pooled.body).toEqual({ customerId: id, ownerId: null, poolId: pool.id, governingPoolId: null, clocks: null, nextReturn: null, nextReminder: null });
  });

  it('governs customers nobody claimed by the organisation\u2019s default pool, and returns them there', async () => {
    const [id] = await created(rep2, 1);
    expect((await call(rep2, 'GET', `/api/v1/customers/${id}/pool-status`)).body).toMatchObject({ governingPoolId: defaultPool.id, nextReturn: null });
    expect((await call(admin, 'PATCH', `/api/v1/customer-pools/${defaultPool.id}`, { rules: { returnNoFollowUpDays: 400 } })).status).toBe(200);
    expect((await call(rep2, 'GET', `/api/v1/customers/${id}/pool-status`)).body.nextReturn).toMatchObject({ rule: 'returnNoFollowUpDays', dueAt: at(400).toISOString() });
    expect((await preview(defaultPool, at(400), admin)).returns.map((r) => r.customerId)).toContain(id);
    await job.run(at(400));
    expect(await ledgerOf(id)).toMatchObject({ owner_id: null, pool_id: defaultPool.id });
  });
});
