import { randomUUID } from 'node:crypto';
import { CustomerCreated, CustomerData, CustomerDeleted, CustomerOwnerChanged, CustomerUpdated, FollowUpRecorded, UserData } from '@crm/contracts';
import { MarketingHarness, eventually, startMarketingHarness } from './support';

/**
 * Customer public pools (公海池) on the marketing harness (see ./support.ts for the organisation).
 * Sales is not running: its customer and follow-up events are published as sales publishes them;
 * sales applying our owner-changed events is tests/customer-pools.int-spec.ts.
 */
describe('marketing: customer pools, the ownership ledger, claims and their quotas', () => {
  let h: MarketingHarness;
  let tenantA: string, tenantB: string;
  let rep1: UserData, rep2: UserData, manager: UserData, admin: UserData, adminB: UserData;
  const call = (as: UserData, method: string, path: string, body?: unknown) => h.call(as, method, path, body);
  let counter = 0;

  const poolBody = (extra: Record<string, unknown> = {}) => ({
    name: `Pool ${++counter}`,
    isDefault: false,
    adminIds: [manager.id],
    memberIds: [rep1.id, rep2.id],
    reviewType: 'none',
    allocation: 'claim-and-assign',
    rules: {},
    ...extra,
  });
  const createPool = async (extra: Record<string, unknown> = {}, as = admin) => {
    const res = await call(as, 'POST', '/api/v1/customer-pools', poolBody(extra));
    expect(res.status).toBe(201);
    return res.body;
  };

  /** Customers as sales announces them (crm.sales.customer.created), once marketing's ledger has them. */
  const customerData = (owner: UserData, name = `Customer ${++counter}`): CustomerData => {
    const now = new Date().toISOString();
    return {
      id: randomUUID(), tenantId: owner.tenantId, code: `KH-20250328-${String(++counter).padStart(4, '0')}`, name, shortName: null, type: null, source: null, industry: null,
      level: null, region: null, address: null, phone: null, email: null, website: null, unifiedSocialCreditCode: null, ownerId: owner.id, poolId: null, tags: [],
      remarks: null, createdBy: owner.id, updatedBy: owner.id, createdAt: now, updatedAt: now, deletedAt: null,
    };
  };
  const ledgerOf = async (id: string) => (await h.db.query('SELECT * FROM customer_ledger WHERE customer_id = $1', [id])).rows[0];
  const customers = async (owner: UserData, n: number): Promise<CustomerData[]> => {
    const list = Array.from({ length: n }, () => customerData(owner));
    for (const c of list) await h.identity.publish(CustomerCreated, c);
    await eventually(
      async () => (Number((await h.db.query('SELECT count(*) FROM customer_ledger WHERE customer_id = ANY($1)', [list.map((c) => c.id)])).rows[0].count) === n ? true : undefined),
      30_000,
      `${n} customers in the ledger`,
    );
    return list;
  };
  /** Puts customers straight into a pool (as returns would), so quota tests start from a full pool. */
  const pooled = async (pool: { id: string }, n: number): Promise<string[]> => {
    const list = await customers(admin, n);
    const ids = list.map((c) => c.id);
    await h.db.query('UPDATE customer_ledger SET owner_id = NULL, pool_id = $1 WHERE customer_id = ANY($2)', [pool.id, ids]);
    return ids;
  };
  const claim = (as: UserData, pool: { id: string }, customerIds: string[]) => call(as, 'POST', `/api/v1/customer-pools/${pool.id}/claims`, { customerIds });
  const held = async (u: UserData) => Number((await h.db.query('SELECT count(*) FROM customer_ledger WHERE owner_id = $1 AND NOT deleted', [u.id])).rows[0].count);
  const statuses = (answers: { status: number; body: { code?: string } }[]) => {
    const counts: Record<string, number> = {};
    for (const a of answers) counts[`${a.status}${a.body?.code ? ` ${a.body.code}` : ''}`] = (counts[`${a.status}${a.body?.code ? ` ${a.body.code}` : ''}`] ?? 0) + 1;
    return counts;
  };
  /** Clears a user's holdings and claim history, so each quota test starts from zero. */
  const reset = async (u: UserData) => {
    await h.db.query('UPDATE customer_ledger SET owner_id = NULL, pool_id = (SELECT id FROM pools WHERE tenant_id = $2 ORDER BY created_at LIMIT 1) WHERE owner_id = $1', [u.id, u.tenantId]);
    await h.db.query('DELETE FROM customer_ownership_history WHERE to_owner_id = $1', [u.id]);
  };

  beforeAll(async () => {
    h = await startMarketingHarness('marketing_pools');
    ({ tenantA, tenantB } = h);
    ({ rep1, rep2, manager, admin, adminB } = h.users);
  }, 90_000);

  afterAll(() => h?.stop());

  describe('pools', () => {
    it('lets administrators create a pool numbered KHMX-YYYYMMDD-NN with its rules, and nobody else', async () => {
      const pool = await createPool({ description: 'East', tags: ['east'], rules: { maxHeld: 50, maxClaimsPerDay: 10, maxClaimsSameCustomer: 2, reclaimLimitLiftsAfterDays: 30, returnNoFollowUpDays: 15 } });
      const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      expect(pool.code).toMatch(new RegExp(`^KHMX-${today}-\\d{2}$`));
      expect(pool).toMatchObject({
        kind: 'customer', tenantId: tenantA, description: 'East', tags: ['east'], isDefault: false, adminIds: [manager.id], memberIds: [rep1.id, rep2.id],
        reviewType: 'none', allocation: 'claim-and-assign', rules: { maxHeld: 50, maxClaimsPerDay: 10, maxClaimsSameCustomer: 2, reclaimLimitLiftsAfterDays: 30, returnNoFollowUpDays: 15 },
        createdBy: admin.id,
      });
      const next = await createPool();
      expect(Number(next.code.slice(-2))).toBe(Number(pool.code.slice(-2)) + 1);

      for (const as of [manager, rep1]) {
        const refused = await call(as, 'POST', '/api/v1/customer-pools', poolBody());
        expect(refused.status).toBe(403);
        expect((await call(as, 'PATCH', `/api/v1/customer-pools/${pool.id}`, { name: 'Mine' })).status).toBe(403);
      }
      const audit = await h.identity.readTopic('marketing.audit.v1', (msgs) => msgs.some((m) => JSON.parse(String(m.value)).subject === pool.id));
      expect(audit.map((m) => JSON.parse(String(m.value)).data).find((d) => d.objectId === pool.id)).toMatchObject({ objectType: 'customer-pool', action: 'create', actorId: admin.id });
    });

    it('refuses unknown rules, bad enums, and administrators or members who are not users of the organisation', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ rules: { maxHeld: 0 } }, 'rules.maxHeld'],
        [{ rules: { maxSomething: 3 } }, 'rules.maxSomething'],
        [{ reviewType: 'maybe' }, 'reviewType'],
        [{ allocation: 'free-for-all' }, 'allocation'],
        [{ memberIds: [adminB.id] }, 'memberIds'],
        [{ adminIds: [randomUUID()] }, 'adminIds'],
      ];
      for (const [extra, field] of cases) {
        const res = await call(admin, 'POST', '/api/v1/customer-pools', poolBody(extra));
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('changes a pool; rules are replaced as a whole', async () => {
      const pool = await createPool({ rules: { maxHeld: 5, maxClaimsPerDay: 2 } });
      const res = await call(admin, 'PATCH', `/api/v1/customer-pools/${pool.id}`, { name: 'Renamed', allocation: 'assign-only', rules: { maxHeld: 7 }, memberIds: [rep1.id] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: pool.id, code: pool.code, name: 'Renamed', allocation: 'assign-only', rules: { maxHeld: 7 }, memberIds: [rep1.id], updatedBy: admin.id });
      expect(res.body.rules).toEqual({ maxHeld: 7 });
      expect((await call(admin, 'GET', `/api/v1/customer-pools/${pool.id}`)).body).toEqual(res.body);
      expect((await call(admin, 'PATCH', `/api/v1/customer-pools/${randomUUID()}`, { name: 'x' })).status).toBe(404);
    });

    it('keeps exactly one default pool per organisation: a new default unsets the old one, even when two arrive at once', async () => {
      const first = await createPool({ isDefault: true });
      const second = await createPool({ isDefault: true });
      expect((await call(admin, 'GET', `/api/v1/customer-pools/${first.id}`)).body.isDefault).toBe(false);
      expect((await call(admin, 'GET', `/api/v1/customer-pools/${second.id}`)).body.isDefault).toBe(true);
      expect((await call(admin, 'PATCH', `/api/v1/customer-pools/${first.id}`, { isDefault: true })).body.isDefault).toBe(true);
      expect((await call(admin, 'GET', `/api/v1/customer-pools/${second.id}`)).body.isDefault).toBe(false);

      const racing = await Promise.all(Array.from({ length: 6 }, () => call(admin, 'POST', '/api/v1/customer-pools', poolBody({ isDefault: true }))));
      expect(racing.map((r) => r.status)).toEqual(Array(6).fill(201));
      const defaults = await h.db.query("SELECT id FROM pools WHERE tenant_id = $1 AND kind = 'customer' AND is_default", [tenantA]);
      expect(defaults.rows).toHaveLength(1);
      // Leave the first pool the default for the tests below.
      expect((await call(admin, 'PATCH', `/api/v1/customer-pools/${first.id}`, { isDefault: true })).status).toBe(200);
    });

    it('never shows members a pool they do not belong to; administrators see every pool; other organisations nothing', async () => {
      const onlyRep1 = await createPool({ adminIds: [], memberIds: [rep1.id] });
      const managed = await createPool({ adminIds: [manager.id], memberIds: [] });
      const ids = async (as: UserData) => (await call(as, 'GET', '/api/v1/customer-pools?pageSize=200')).body.items.map((p: { id: string }) => p.id);
      expect(await ids(rep1)).toEqual(expect.arrayContaining([onlyRep1.id]));
      expect(await ids(rep1)).not.toContain(managed.id);
      expect(await ids(rep2)).not.toContain(onlyRep1.id);
      expect(await ids(manager)).toContain(managed.id);
      expect(await ids(manager)).not.toContain(onlyRep1.id);
      expect(await ids(admin)).toEqual(expect.arrayContaining([onlyRep1.id, managed.id]));
      expect(await ids(adminB)).toEqual([]);
      expect((await call(rep1, 'GET', `/api/v1/customer-pools/${onlyRep1.id}`)).status).toBe(200);
      const hidden = await call(rep2, 'GET', `/api/v1/customer-pools/${onlyRep1.id}`);
      expect(hidden.status).toBe(404);
      expect(hidden.body.code).toBe('POOL.NOT_FOUND');
      expect((await call(adminB, 'GET', `/api/v1/customer-pools/${onlyRep1.id}`)).status).toBe(404);
      expect((await call(rep2, 'GET', `/api/v1/customer-pools/${onlyRep1.id}/customers`)).status).toBe(404);
      expect((await call(rep2, 'POST', `/api/v1/customer-pools/${onlyRep1.id}/claims`, { customerIds: [randomUUID()] })).status).toBe(404);
    });
  });

  describe('lead pools', () => {
    it('share the model: numbered XSMX-YYYYMMDD-NN, their own default, the same visibility', async () => {
      const res = await call(admin, 'POST', '/api/v1/lead-pools', poolBody({ isDefault: true, memberIds: [rep1.id] }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ kind: 'lead', isDefault: true, code: expect.stringMatching(/^XSMX-\d{8}-\d{2}$/) });
      // The customer pools' default is untouched, and neither kind lists the other.
      expect((await h.db.query("SELECT count(*) FROM pools WHERE tenant_id = $1 AND is_default", [tenantA])).rows[0].count).toBe('2');
      expect((await call(admin, 'GET', `/api/v1/customer-pools/${res.body.id}`)).status).toBe(404);
      expect((await call(rep1, 'GET', '/api/v1/lead-pools')).body.items.map((p: { id: string }) => p.id)).toEqual([res.body.id]);
      expect((await call(rep2, 'GET', `/api/v1/lead-pools/${res.body.id}`)).status).toBe(404);
      expect((await call(rep1, 'POST', '/api/v1/lead-pools', poolBody())).status).toBe(403);
      expect((await call(admin, 'PATCH', `/api/v1/lead-pools/${res.body.id}`, { memberIds: [rep2.id] })).body.memberIds).toEqual([rep2.id]);
    });
  });

  describe('the ownership ledger, from sales\u2019 events', () => {
    it('records each new customer as owned by its creator, follows owner changes made in sales, flags deletions and keeps the latest follow-up', async () => {
      const [c] = await customers(rep1, 1);
      expect(await ledgerOf(c.id)).toMatchObject({ owner_id: rep1.id, pool_id: null, deleted: false, name: c.name, code: c.code });

      await h.identity.publish(CustomerUpdated, { ...c, ownerId: rep2.id, updatedBy: admin.id, updatedAt: new Date().toISOString() });
      await eventually(async () => ((await ledgerOf(c.id)).owner_id === rep2.id ? true : undefined), 15_000, 'owner change followed');
      const history = await call(admin, 'GET', `/api/v1/customers/${c.id}/ownership-history`);
      expect(history.body.items[0]).toMatchObject({ action: 'assign', fromOwnerId: rep1.id, toOwnerId: rep2.id, actorId: admin.id, reason: 'Owner changed in sales.' });

      const time = '2025-03-28T08:00:00.000Z';
      const followUp = (at: string) => ({ id: randomUUID(), tenantId: tenantA, customerId: c.id, contactId: null, ownerId: rep2.id, type: 'call' as const, content: 'x', time: at, nextFollowUpAt: null, createdAt: at, updatedAt: at, deletedAt: null });
      await h.identity.publish(FollowUpRecorded, followUp(time));
      await h.identity.publish(FollowUpRecorded, followUp('2025-03-01T08:00:00.000Z')); // older: the clock keeps the latest
      await eventually(async () => ((await ledgerOf(c.id)).last_follow_up_at?.toISOString() === time ? true : undefined), 15_000, 'follow-up recorded');

      await h.identity.publish(CustomerDeleted, { ...c, ownerId: rep2.id, deletedAt: new Date().toISOString() });
      await eventually(async () => ((await ledgerOf(c.id)).deleted ? true : undefined), 15_000, 'deletion flagged');
    });
  });

  describe('actions', () => {
    let pool: { id: string };
    let defaultPool: { id: string };
    beforeAll(async () => {
      pool = await createPool({ adminIds: [manager.id], memberIds: [rep1.id, rep2.id] });
      defaultPool = (await h.db.query("SELECT id FROM pools WHERE tenant_id = $1 AND kind = 'customer' AND is_default", [tenantA])).rows[0];
    });

    it('returns a customer to the default pool with a reason (its owner only), then a member claims it; each move is in the history, the audit log and an owner-changed event', async () => {
      const [c] = await customers(rep1, 1);
      expect((await call(rep2, 'POST', `/api/v1/customers/${c.id}/return`, { reason: 'not mine' })).body.code).toBe('POOL.NOT_OWNER');
      expect((await call(rep1, 'POST', `/api/v1/customers/${c.id}/return`, {})).status).toBe(400);
      const returned = await call(rep1, 'POST', `/api/v1/customers/${c.id}/return`, { reason: 'No budget this year.' });
      expect(returned.status).toBe(200);
      expect(returned.body).toEqual({ customerId: c.id, poolId: defaultPool.id });
      expect(await ledgerOf(c.id)).toMatchObject({ owner_id: null, pool_id: defaultPool.id });
      expect((await call(rep1, 'POST', `/api/v1/customers/${c.id}/return`, { reason: 'again' })).body.code).toBe('POOL.NOT_OWNER');

      const listed = await call(admin, 'GET', `/api/v1/customer-pools/${defaultPool.id}/customers?pageSize=200`);
      expect(listed.body.items.map((i: { customerId: string }) => i.customerId)).toContain(c.id);

      const claimed = await claim(admin, defaultPool, [c.id]);
      expect(claimed.status).toBe(200);
      expect(claimed.body).toEqual({ results: [{ customerId: c.id, status: 'ok' }] });
      expect(await ledgerOf(c.id)).toMatchObject({ owner_id: admin.id, pool_id: null });

      const history = (await call(admin, 'GET', `/api/v1/customers/${c.id}/ownership-history?sort=at`)).body;
      expect(history.total).toBe(2);
      expect(history.items).toMatchObject([
        { customerId: c.id, action: 'return', fromOwnerId: rep1.id, toOwnerId: null, fromPoolId: null, toPoolId: defaultPool.id, actorId: rep1.id, reason: 'No budget this year.' },
        { customerId: c.id, action: 'claim', fromOwnerId: null, toOwnerId: admin.id, fromPoolId: defaultPool.id, toPoolId: null, actorId: admin.id, reason: null },
      ]);
      // The previous owner no longer reads the history; the new one does.
      expect((await call(rep1, 'GET', `/api/v1/customers/${c.id}/ownership-history`)).status).toBe(403);
      expect((await call(admin, 'GET', `/api/v1/customers/${c.id}/ownership-history`)).status).toBe(200);
      expect((await call(adminB, 'GET', `/api/v1/customers/${c.id}/ownership-history`)).status).toBe(404);

      const events = await h.identity.readTopic(CustomerOwnerChanged.topic, (msgs) => msgs.filter((m) => String(m.key) === c.id).length >= 2);
      expect(events.filter((m) => String(m.key) === c.id).map((m) => JSON.parse(String(m.value)))).toMatchObject([
        { type: 'crm.marketing.customer.owner-changed', source: '/crm/marketing', subject: c.id, tenantid: tenantA, data: { customerId: c.id, tenantId: tenantA, ownerId: null, poolId: defaultPool.id, action: 'return', actorId: rep1.id } },
        { data: { ownerId: admin.id, poolId: null, action: 'claim', actorId: admin.id } },
      ]);
      const audit = await h.identity.readTopic('marketing.audit.v1', (msgs) => msgs.filter((m) => String(m.key) === c.id).length >= 2);
      expect(audit.filter((m) => String(m.key) === c.id).map((m) => JSON.parse(String(m.value)).data)).toMatchObject([
        { objectType: 'customer', action: 'owner-change', actorId: rep1.id, changes: [{ field: 'ownerId', before: rep1.id, after: null }, { field: 'poolId', before: null, after: defaultPool.id }] },
        { objectType: 'customer', action: 'owner-change', actorId: admin.id },
      ]);
    });

    it('returns to a named pool, 404 for an unknown one, and 409 POOL.NO_DEFAULT_POOL when the organisation has no default', async () => {
      const [c] = await customers(rep1, 1);
      expect((await call(rep1, 'POST', `/api/v1/customers/${c.id}/return`, { reason: 'x', poolId: randomUUID() })).status).toBe(404);
      expect((await call(rep1, 'POST', `/api/v1/customers/${c.id}/return`, { reason: 'x', poolId: pool.id })).body).toEqual({ customerId: c.id, poolId: pool.id });
      const [b] = await customers(adminB, 1);
      const none = await call(adminB, 'POST', `/api/v1/customers/${b.id}/return`, { reason: 'x' });
      expect(none.status).toBe(409);
      expect(none.body.code).toBe('POOL.NO_DEFAULT_POOL');
      expect((await call(adminB, 'POST', `/api/v1/customers/${c.id}/return`, { reason: 'x' })).status).toBe(404); // another organisation's customer
      expect(tenantB).toBeDefined();
      // Already in a pool: nothing to return (a transfer moves it between pools).
      expect((await call(admin, 'POST', `/api/v1/customers/${c.id}/return`, { reason: 'x' })).body.code).toBe('POOL.ALREADY_IN_POOL');
      // An administrator may return anyone's customer.
      const [d] = await customers(rep2, 1);
      expect((await call(admin, 'POST', `/api/v1/customers/${d.id}/return`, { reason: 'Reassigning the region.' })).status).toBe(200);
      expect((await call(admin, 'GET', `/api/v1/customers/${d.id}/ownership-history`)).body.items[0]).toMatchObject({ action: 'return', fromOwnerId: rep2.id, actorId: admin.id });
    });

    it('answers a batch claim per customer: claimed, not in this pool, unknown', async () => {
      const [inPool, other] = await pooled(pool, 2);
      await h.db.query('UPDATE customer_ledger SET pool_id = $1 WHERE customer_id = $2', [defaultPool.id, other]);
      const unknown = randomUUID();
      const res = await claim(rep2, pool, [inPool, other, unknown, inPool]);
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        { customerId: inPool, status: 'ok' },
        { customerId: other, status: 'failed', code: 'POOL.NOT_IN_POOL', message: expect.any(String) },
        { customerId: unknown, status: 'failed', code: 'CUSTOMER.NOT_FOUND', message: expect.any(String) },
      ]);
      const single = await claim(rep2, pool, [other]);
      expect(single.status).toBe(409);
      expect(single.body.code).toBe('POOL.NOT_IN_POOL');
      expect((await claim(rep2, pool, [])).status).toBe(400);
    });

    it('lets members only assign when the pool is assign-only, and lets pool and organisation administrators assign in either mode', async () => {
      const assignOnly = await createPool({ allocation: 'assign-only', adminIds: [manager.id], memberIds: [rep1.id, rep2.id] });
      const [a, b, c] = await pooled(assignOnly, 3);
      const refused = await claim(rep1, assignOnly, [a]);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('POOL.CLAIMS_DISABLED');

      const byMember = await call(rep1, 'POST', `/api/v1/customer-pools/${assignOnly.id}/assignments`, { customerIds: [a], userId: rep1.id });
      expect(byMember.status).toBe(403);
      expect(byMember.body.code).toBe('POOL.NOT_ADMIN');
      expect((await call(manager, 'POST', `/api/v1/customer-pools/${assignOnly.id}/assignments`, { customerIds: [a], userId: adminB.id })).status).toBe(400);

      const byPoolAdmin = await call(manager, 'POST', `/api/v1/customer-pools/${assignOnly.id}/assignments`, { customerIds: [a, b], userId: rep1.id });
      expect(byPoolAdmin.body.results.map((r: { status: string }) => r.status)).toEqual(['ok', 'ok']);
      const byOrgAdmin = await call(admin, 'POST', `/api/v1/customer-pools/${assignOnly.id}/assignments`, { customerIds: [c], userId: rep2.id });
      expect(byOrgAdmin.status).toBe(200);
      expect((await ledgerOf(a)).owner_id).toBe(rep1.id);
      expect((await ledgerOf(c)).owner_id).toBe(rep2.id);
      const history = (await call(rep2, 'GET', `/api/v1/customers/${c}/ownership-history`)).body.items;
      expect(history[0]).toMatchObject({ action: 'assign', fromPoolId: assignOnly.id, toOwnerId: rep2.id, actorId: admin.id });
    });

    it('transfers customers between pools (administrators of the pool), per customer', async () => {
      const target = await createPool({ adminIds: [], memberIds: [rep2.id] });
      const [a, b] = await pooled(pool, 2);
      const [elsewhere] = await pooled(target, 1);
      expect((await call(rep1, 'POST', `/api/v1/customer-pools/${pool.id}/transfers`, { customerIds: [a], toPoolId: target.id })).status).toBe(403);
      expect((await call(manager, 'POST', `/api/v1/customer-pools/${pool.id}/transfers`, { customerIds: [a], toPoolId: pool.id })).body.code).toBe('POOL.SAME_POOL');
      expect((await call(manager, 'POST', `/api/v1/customer-pools/${pool.id}/transfers`, { customerIds: [a], toPoolId: randomUUID() })).status).toBe(404);
      const res = await call(manager, 'POST', `/api/v1/customer-pools/${pool.id}/transfers`, { customerIds: [a, b, elsewhere], toPoolId: target.id, reason: 'Reorganised' });
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual(['ok', 'ok', 'POOL.NOT_IN_POOL']);
      expect((await ledgerOf(a)).pool_id).toBe(target.id);
      const listed = (await call(rep2, 'GET', `/api/v1/customer-pools/${target.id}/customers?pageSize=200`)).body;
      expect(listed.items.map((i: { customerId: string }) => i.customerId).sort()).toEqual([a, b, elsewhere].sort());
      expect((await call(rep2, 'GET', `/api/v1/customers/${a}/ownership-history`)).body.items[0]).toMatchObject({ action: 'transfer', fromPoolId: pool.id, toPoolId: target.id, actorId: manager.id, reason: 'Reorganised' });
    });

    it('ignores sales’ echoes of our own moves, even late ones: a claim announced back after a return does not undo the return', async () => {
      const [c] = await customers(rep1, 1);
      expect((await call(rep1, 'POST', `/api/v1/customers/${c.id}/return`, { reason: 'x', poolId: pool.id })).status).toBe(200);
      expect((await claim(rep2, pool, [c.id])).status).toBe(200);
      expect((await call(rep2, 'POST', `/api/v1/customers/${c.id}/return`, { reason: 'y', poolId: pool.id })).status).toBe(200);
      // Sales applies the three moves in order and announces each; the claim's echo arrives after our second return.
      const echo = (ownerId: string | null, poolId: string | null) => ({ ...c, ownerId, poolId, updatedBy: rep2.id, updatedAt: new Date().toISOString() });
      await h.identity.publish(CustomerUpdated, echo(null, pool.id));
      await h.identity.publish(CustomerUpdated, echo(rep2.id, null));
      await h.identity.publish(CustomerUpdated, { ...echo(null, pool.id), name: 'Renamed in sales' });
      await eventually(async () => ((await ledgerOf(c.id)).name === 'Renamed in sales' ? true : undefined), 15_000, 'the echoes consumed');
      expect(await ledgerOf(c.id)).toMatchObject({ owner_id: null, pool_id: pool.id });
      expect((await call(admin, 'GET', `/api/v1/customers/${c.id}/ownership-history`)).body.total).toBe(3);
    });

    it('refuses a claim of a deleted customer', async () => {
      const [id] = await pooled(pool, 1);
      await h.db.query('UPDATE customer_ledger SET deleted = true WHERE customer_id = $1', [id]);
      expect((await claim(rep1, pool, [id])).body.code).toBe('CUSTOMER.NOT_FOUND');
    });
  });

  describe('quotas under concurrency (exact counts, no 5xx)', () => {
    it('grants exactly 5 of 50 parallel claims by one user with a daily limit of 5; the rest are 409 POOL.DAILY_CLAIM_LIMIT', async () => {
      await reset(rep1);
      const pool = await createPool({ rules: { maxClaimsPerDay: 5 } });
      const ids = await pooled(pool, 50);
      const answers = await Promise.all(ids.map((id) => claim(rep1, pool, [id])));
      expect(statuses(answers)).toEqual({ 200: 5, '409 POOL.DAILY_CLAIM_LIMIT': 45 });
      expect(await held(rep1)).toBe(5);
      // A batch answers the same per record.
      const batch = await claim(rep1, pool, ids.slice(0, 3));
      expect(batch.status).toBe(200);
      expect(batch.body.results.every((r: { code?: string }) => r.code === 'POOL.DAILY_CLAIM_LIMIT' || r.code === 'POOL.NOT_IN_POOL')).toBe(true);
    }, 120_000);

    it('counts the day in UTC: yesterday\u2019s claims (up to 23:59 UTC) leave today\u2019s quota whole', async () => {
      await reset(rep1);
      const pool = await createPool({ rules: { maxClaimsPerDay: 2 } });
      const ids = await pooled(pool, 5);
      expect((await claim(rep1, pool, ids.slice(0, 3))).body.results.map((r: { code?: string }) => r.code ?? 'ok')).toEqual(['ok', 'ok', 'POOL.DAILY_CLAIM_LIMIT']);
      await h.db.query("UPDATE customer_ownership_history SET at = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '1 second' WHERE to_owner_id = $1 AND action = 'claim'", [rep1.id]);
      expect((await claim(rep1, pool, ids.slice(2, 5))).body.results.map((r: { code?: string }) => r.code ?? 'ok')).toEqual(['ok', 'ok', 'POOL.DAILY_CLAIM_LIMIT']);
      await h.db.query("UPDATE customer_ownership_history SET at = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' WHERE to_owner_id = $1 AND action = 'claim'", [rep1.id]);
      expect((await claim(rep1, pool, ids.slice(4, 5))).body.code).toBe('POOL.DAILY_CLAIM_LIMIT'); // midnight itself is today
    });

    it('holds the hold limit over everything the user owns: 30 parallel claims by a user holding 2 of 6 grant exactly 4; assignments to them are refused too', async () => {
      await reset(rep2);
      await customers(rep2, 2);
      const pool = await createPool({ rules: { maxHeld: 6 } });
      const ids = await pooled(pool, 31);
      const answers = await Promise.all(ids.slice(0, 30).map((id) => claim(rep2, pool, [id])));
      expect(statuses(answers)).toEqual({ 200: 4, '409 POOL.HOLD_LIMIT': 26 });
      expect(await held(rep2)).toBe(6);
      const assigned = await call(manager, 'POST', `/api/v1/customer-pools/${pool.id}/assignments`, { customerIds: [ids[30]], userId: rep2.id });
      expect(assigned.status).toBe(409);
      expect(assigned.body.code).toBe('POOL.HOLD_LIMIT');
    }, 120_000);

    it('lets one customer be claimed once when many claim it at once: the others get 409 POOL.NOT_IN_POOL', async () => {
      await reset(rep1);
      await reset(rep2);
      const pool = await createPool({ rules: {} });
      const [id] = await pooled(pool, 1);
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(i % 2 ? rep1 : rep2, pool, [id])));
      expect(statuses(answers)).toEqual({ 200: 1, '409 POOL.NOT_IN_POOL': 19 });
      const history = (await h.db.query("SELECT count(*) FROM customer_ownership_history WHERE customer_id = $1 AND action = 'claim'", [id])).rows[0];
      expect(Number(history.count)).toBe(1);
    });

    it('limits claims of the same customer by the same user, and lifts the limit after its days', async () => {
      await reset(rep1);
      const pool = await createPool({ rules: { maxClaimsSameCustomer: 2, reclaimLimitLiftsAfterDays: 30 } });
      const [id] = await pooled(pool, 1);
      for (let i = 0; i < 2; i++) {
        expect((await claim(rep1, pool, [id])).status).toBe(200);
        expect((await call(rep1, 'POST', `/api/v1/customers/${id}/return`, { reason: `round ${i}`, poolId: pool.id })).status).toBe(200);
      }
      // Parallel attempts of the third claim: all refused by the same-customer rule.
      const third = await Promise.all(Array.from({ length: 10 }, () => claim(rep1, pool, [id])));
      expect(statuses(third)).toEqual({ '409 POOL.RECLAIM_LIMIT': 10 });
      // Another user is not limited by rep1's claims.
      expect((await claim(rep2, pool, [id])).status).toBe(200);
      expect((await call(rep2, 'POST', `/api/v1/customers/${id}/return`, { reason: 'back', poolId: pool.id })).status).toBe(200);

      // One of rep1's claims is 31 days old: one claim left in the window.
      await h.db.query("UPDATE customer_ownership_history SET at = now() - interval '31 days' WHERE id = (SELECT id FROM customer_ownership_history WHERE customer_id = $1 AND to_owner_id = $2 AND action = 'claim' ORDER BY at LIMIT 1)", [id, rep1.id]);
      expect((await claim(rep1, pool, [id])).status).toBe(200);
      expect((await call(rep1, 'POST', `/api/v1/customers/${id}/return`, { reason: 'again', poolId: pool.id })).status).toBe(200);
      expect((await claim(rep1, pool, [id])).body.code).toBe('POOL.RECLAIM_LIMIT');
    });

    it('counts the same-customer limit forever when the pool sets no lifting days', async () => {
      await reset(rep1);
      const pool = await createPool({ rules: { maxClaimsSameCustomer: 1 } });
      const [id] = await pooled(pool, 1);
      expect((await claim(rep1, pool, [id])).status).toBe(200);
      expect((await call(rep1, 'POST', `/api/v1/customers/${id}/return`, { reason: 'x', poolId: pool.id })).status).toBe(200);
      await h.db.query("UPDATE customer_ownership_history SET at = now() - interval '3650 days' WHERE customer_id = $1 AND action = 'claim'", [id]);
      expect((await claim(rep1, pool, [id])).body.code).toBe('POOL.RECLAIM_LIMIT');
    });
  });
});
