/**
 * Accountability through the gateway: the operation log (one entry per change, with the changed
 * fields, the actor, the request id and the client address) and handovers across services.
 */
import { randomUUID } from 'node:crypto';
import { Answer, RunningSystem, demoTeam, eventually, request, startSystem, waitUntilHealthy } from './support/system';

jest.setTimeout(120_000);

describe('accountability: audit log and handovers', () => {
  let system: RunningSystem;
  let admin: string;
  let leaver: { id: string; token: string };
  let receiver: { id: string; token: string };
  const http = (method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<Answer> =>
    request(system.gateway, method, path, { token, body, headers });

  const auditOf = async (objectId: string, expected: number) =>
    eventually(`${expected} audit entries of ${objectId}`, async () => {
      const res = await http('GET', `/api/v1/audit-logs?objectId=${objectId}&sort=at&pageSize=200`, admin);
      expect(res.status).toBe(200);
      return res.body.items.length >= expected ? res.body.items : undefined;
    });

  beforeAll(async () => {
    system = await startSystem({ label: 'accountability' });
    expect((await waitUntilHealthy(system.gateway)).status).toBe(200);
    let users: { id: string; token: string }[];
    ({ admin, users } = await demoTeam(system, 'Accountability', ['leaver', 'receiver']));
    [leaver, receiver] = users;
    // Sales knows the users once identity's events reach its org projection.
    await eventually('users in sales', async () => ((await http('POST', '/api/v1/customers', leaver.token, { name: 'warm-up' })).status === 201 ? true : undefined));
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('records exactly one entry per create, update, delete and restore of a customer, with the changed fields, actor, request id and IP', async () => {
    const requestId = randomUUID();
    const created = await http('POST', '/api/v1/customers', leaver.token, { name: 'Audit Co', phone: '0571-8888' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await http('PATCH', `/api/v1/customers/${id}`, leaver.token, { remarks: 'met at the fair', name: 'Audit Co' }, { 'x-request-id': requestId })).status).toBe(200);
    expect((await http('DELETE', `/api/v1/customers/${id}`, leaver.token)).status).toBe(204);
    expect((await http('POST', `/api/v1/customers/${id}/restore`, leaver.token)).status).toBe(200);

    const entries = await auditOf(id, 4);
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['create', 'update', 'delete', 'restore']);
    for (const e of entries) expect(e).toMatchObject({ service: 'sales', objectType: 'customer', objectId: id, actorId: leaver.id, ip: expect.any(String) });
    expect(entries[0].changes).toEqual(
      expect.arrayContaining([
        { field: 'name', before: null, after: 'Audit Co' },
        { field: 'phone', before: null, after: '0571-8888' },
        { field: 'code', before: null, after: created.body.code },
      ]),
    );
    // The unchanged name is not a change.
    expect(entries[1]).toMatchObject({ requestId, changes: [{ field: 'remarks', before: null, after: 'met at the fair' }] });
    expect(entries[2].changes).toEqual([{ field: 'deletedAt', before: null, after: expect.any(String) }]);
    expect(entries[3].changes).toEqual([{ field: 'deletedAt', before: entries[2].changes[0].after, after: null }]);
    await new Promise((r) => setTimeout(r, 500));
    expect((await http('GET', `/api/v1/audit-logs?objectId=${id}`, admin)).body.total).toBe(4);
  });

  it('records contacts and follow-ups the same way', async () => {
    const customer = await http('POST', '/api/v1/customers', leaver.token, { name: 'Contacts Co' });
    const contact = await http('POST', '/api/v1/contacts', leaver.token, { customerId: customer.body.id, name: 'Wang Wei' });
    expect(contact.status).toBe(201);
    expect((await http('PATCH', `/api/v1/contacts/${contact.body.id}`, leaver.token, { title: 'Buyer' })).status).toBe(200);
    expect((await http('DELETE', `/api/v1/contacts/${contact.body.id}`, leaver.token)).status).toBe(204);
    const followUp = await http('POST', '/api/v1/follow-ups', leaver.token, { customerId: customer.body.id, type: 'call', content: 'First call' });
    expect(followUp.status).toBe(201);
    const patched = await http('PATCH', `/api/v1/follow-ups/${followUp.body.id}`, leaver.token, { content: 'First call: wants a quote', type: 'visit' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ content: 'First call: wants a quote', type: 'visit' });
    expect((await http('DELETE', `/api/v1/follow-ups/${followUp.body.id}`, leaver.token)).status).toBe(204);
    expect((await http('GET', `/api/v1/follow-ups/${followUp.body.id}`, leaver.token)).status).toBe(404);

    const contactEntries = await auditOf(contact.body.id, 3);
    expect(contactEntries.map((e: { action: string }) => e.action)).toEqual(['create', 'update', 'delete']);
    expect(contactEntries[1].changes).toEqual([{ field: 'title', before: null, after: 'Buyer' }]);
    const followUpEntries = await auditOf(followUp.body.id, 3);
    expect(followUpEntries.map((e: { action: string }) => e.action)).toEqual(['create', 'update', 'delete']);
    expect(followUpEntries[1].changes).toEqual([
      { field: 'type', before: 'call', after: 'visit' },
      { field: 'content', before: 'First call', after: 'First call: wants a quote' },
    ]);
  });

  it('serves the log to administrators only, with filters checked', async () => {
    expect((await http('GET', '/api/v1/audit-logs', leaver.token)).status).toBe(403);
    expect((await http('GET', '/api/v1/audit-logs')).status).toBe(401);
    const bad = await http('GET', '/api/v1/audit-logs?action=explode&from=yesterday', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['action', 'from']);
    const mine = await http('GET', `/api/v1/audit-logs?actorId=${leaver.id}&action=create&objectType=customer&from=2000-01-01`, admin);
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBeGreaterThanOrEqual(3);
    for (const e of mine.body.items) expect(e).toMatchObject({ actorId: leaver.id, action: 'create', objectType: 'customer' });
    expect((await http('GET', '/api/v1/audit-logs?to=2000-01-01', admin)).body.total).toBe(0);
  });

  it('hands every customer, contact and follow-up of a leaver to the receiver, once, with progress and counts per service', async () => {
    const a = await http('POST', '/api/v1/customers', leaver.token, { name: 'Handover A' });
    const b = await http('POST', '/api/v1/customers', leaver.token, { name: 'Handover B' });
    await http('POST', '/api/v1/contacts', leaver.token, { customerId: a.body.id, name: 'Contact A' });
    await http('POST', '/api/v1/follow-ups', leaver.token, { customerId: b.body.id, type: 'visit', content: 'Visited' });
    expect((await http('DELETE', `/api/v1/customers/${b.body.id}`, leaver.token)).status).toBe(204); // in the recycle bin: moves too
    const lead = await http('POST', '/api/v1/leads', leaver.token, { company: '杭州联合机械有限公司', name: 'Wang Wei' });
    expect(lead.status).toBe(201);

    const owned = async (userId: string) => {
      const sales = system.databases.sales;
      const { Client } = await import('pg');
      const db = new Client({ connectionString: sales });
      await db.connect();
      try {
        const counts: Record<string, number> = {};
        for (const [object, table] of [['customer', 'customers'], ['contact', 'contacts'], ['follow-up', 'follow_ups']]) {
          counts[object] = (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE owner_id = $1`, [userId])).rows[0].n;
        }
        return counts;
      } finally {
        await db.end();
      }
    };
    const before = await owned(leaver.id);
    expect(before.customer).toBeGreaterThanOrEqual(5);

    expect((await http('POST', '/api/v1/handovers', leaver.token, { fromUserId: leaver.id, toUserId: receiver.id })).status).toBe(403);
    expect((await http('POST', '/api/v1/handovers', admin, { fromUserId: leaver.id, toUserId: leaver.id })).status).toBe(400);
    expect((await http('POST', '/api/v1/handovers', admin, { fromUserId: leaver.id, toUserId: randomUUID() })).status).toBe(400);

    const started = await http('POST', '/api/v1/handovers', admin, { fromUserId: leaver.id, toUserId: receiver.id });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ fromUserId: leaver.id, toUserId: receiver.id, requestedBy: expect.any(String) });
    const done = await eventually('handover completed', async () => {
      const res = await http('GET', `/api/v1/handovers/${started.body.id}`, admin);
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(done.parts.map((p: { service: string; status: string }) => [p.service, p.status])).toEqual([
      ['after-sales', 'completed'],
      ['marketing', 'completed'],
      ['sales', 'completed'],
    ]);
    expect(done.totals).toEqual({ ...before, lead: 1 });
    expect((await http('GET', `/api/v1/leads/${lead.body.id}`, admin)).body.ownerId).toBe(receiver.id);
    expect(await owned(leaver.id)).toEqual({ customer: 0, contact: 0, 'follow-up': 0 });
    expect((await owned(receiver.id)).customer).toBe(before.customer);
    const customerOfReceiver = await http('GET', `/api/v1/customers/${a.body.id}`, receiver.token);
    expect(customerOfReceiver.body.ownerId).toBe(receiver.id);

    // One handover entry per record, on behalf of the administrator.
    const entries = await auditOf(a.body.id, 2);
    expect(entries.filter((e: { action: string }) => e.action === 'handover')).toEqual([
      expect.objectContaining({ changes: [{ field: 'ownerId', before: leaver.id, after: receiver.id }], actorId: done.requestedBy }),
    ]);
    const handoverEntries = await eventually('all handover entries', async () => {
      const res = await http('GET', `/api/v1/audit-logs?action=handover&pageSize=200`, admin);
      return res.body.total === before.customer + before.contact + before['follow-up'] + 1 ? res.body.total : undefined;
    });

    // Again: a new job that finds nothing left, and changes nothing.
    const again = await http('POST', '/api/v1/handovers', admin, { fromUserId: leaver.id, toUserId: receiver.id });
    expect(again.status).toBe(201);
    const second = await eventually('second handover completed', async () => {
      const res = await http('GET', `/api/v1/handovers/${again.body.id}`, admin);
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(second.totals).toEqual({ customer: 0, contact: 0, 'follow-up': 0, lead: 0 });
    expect((await http('GET', `/api/v1/audit-logs?action=handover`, admin)).body.total).toBe(handoverEntries);
    const list = await http('GET', `/api/v1/handovers?fromUserId=${leaver.id}`, admin);
    expect(list.body.items.map((h: { id: string }) => h.id)).toEqual([again.body.id, started.body.id]);
    expect((await http('GET', `/api/v1/handovers/${randomUUID()}`, admin)).status).toBe(404);
  });

  it('applies a data-rule change on the next requests once it reaches the services: account managers\u2019 customer query DEPARTMENT → SELF', async () => {
    const colleague = await http('POST', '/api/v1/customers', receiver.token, { name: 'Colleague Co' });
    expect(colleague.status).toBe(201);
    const listsColleague = async () =>
      ((await http('GET', '/api/v1/customers?pageSize=200', leaver.token)).body.items as { id: string }[]).some((c) => c.id === colleague.body.id);
    expect(await listsColleague()).toBe(true); // same department, query scope DEPARTMENT

    const role = (await http('GET', '/api/v1/roles?code=account-manager', admin)).body.items[0];
    const put = async (scope: string) => {
      const res = await http('PUT', `/api/v1/roles/${role.id}/data-rules`, admin, { items: [{ object: 'customer', action: 'query', scope }] });
      expect(res.status).toBe(200);
    };
    await put('SELF');
    const started = Date.now();
    await eventually('the rule reaching sales', async () => ((await listsColleague()) ? undefined : true));
    const propagationMs = Date.now() - started;
    expect(propagationMs).toBeLessThan(5000);
    // Every business service keeps the rules (the ones that hold customers' data apply them).
    const { Client } = await import('pg');
    const tenantId = (await http('GET', '/api/v1/me', admin)).body.tenant.id;
    for (const database of [system.databases.sales, system.databases.marketing, system.databases['after_sales']]) {
      const db = new Client({ connectionString: database });
      await db.connect();
      try {
        const rows = await eventually('the rule in every service', async () => {
          const r = await db.query("SELECT scope FROM data_rules WHERE tenant_id = $1 AND role_code = 'account-manager' AND object = 'customer' AND action = 'query'", [tenantId]);
          return r.rows.length > 0 && r.rows.every((row) => row.scope === 'SELF') ? r.rows : undefined;
        });
        expect(rows.length).toBeGreaterThan(0);
      } finally {
        await db.end();
      }
    }
    // The view scope never reached the colleague's record: still 404 one by one.
    expect((await http('GET', `/api/v1/customers/${colleague.body.id}`, leaver.token)).status).toBe(404);

    await put('DEPARTMENT');
    await eventually('the rule back', async () => ((await listsColleague()) ? true : undefined));
  });
});
