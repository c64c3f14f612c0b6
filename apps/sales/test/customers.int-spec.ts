import { CustomerCreated, UserData } from '@crm/contracts';
import { SalesHarness, startSalesHarness } from './support';

/** Customers, contacts and follow-ups on the sales harness (see ./support.ts for the organisation). */
describe('sales: customers, contacts and follow-ups', () => {
  let h: SalesHarness;
  let tenantA: string;
  let rep1: UserData, rep2: UserData, manager: UserData, admin: UserData, adminB: UserData;
  let south: SalesHarness['departments']['south'];
  const call = (as: UserData, method: string, path: string, body?: unknown) => h.call(as, method, path, body);
  const createCustomer = async (as: UserData, name: string, extra: Record<string, unknown> = {}) => {
    const res = await call(as, 'POST', '/api/v1/customers', { name, ...extra });
    expect(res.status).toBe(201);
    return res.body;
  };
  const listedIds = async (as: UserData, path = '/api/v1/customers?pageSize=200') => ((await call(as, 'GET', path)).body.items as { id: string }[]).map((c) => c.id);

  beforeAll(async () => {
    h = await startSalesHarness('sales_customers');
    ({ tenantA } = h);
    ({ rep1, rep2, manager, admin, adminB } = h.users);
    ({ south } = h.departments);
  }, 90_000);

  afterAll(() => h?.stop());

  it('creates a customer numbered KH-YYYYMMDD-NNNN, owned by the caller, and publishes crm.sales.customer.created', async () => {
    const c = await createCustomer(rep1, 'Lianhe Machinery', { phone: '0571-1234', tags: ['key'], level: 'A' });
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    expect(c.code).toMatch(new RegExp(`^KH-${today}-\\d{4}$`));
    expect(c).toMatchObject({ name: 'Lianhe Machinery', ownerId: rep1.id, createdBy: rep1.id, updatedBy: rep1.id, tenantId: tenantA, tags: ['key'], deletedAt: null });
    const next = await createCustomer(rep1, 'Second');
    expect(Number(next.code.slice(-4))).toBe(Number(c.code.slice(-4)) + 1);

    const seen = await h.identity.readTopic(CustomerCreated.topic, (msgs) => msgs.some((m) => String(m.key) === c.id));
    const event = JSON.parse(String(seen.find((m) => String(m.key) === c.id)!.value));
    expect(event).toMatchObject({ type: 'crm.sales.customer.created', source: '/crm/sales', subject: c.id, tenantid: tenantA });
    expect(event.data).toEqual(c);
    expect(Object.keys(event.data).sort()).toEqual(Object.keys(CustomerCreated.example).sort());
  });

  it('scopes lists and reads: a rep lists the department but views only their own, the manager the subtree, the admin all, another tenant nothing', async () => {
    const mine = await createCustomer(rep1, 'Rep1 Co');
    const colleagues = await createCustomer(rep2, 'Rep2 Co');
    const managers = await createCustomer(manager, 'Manager Co');
    const admins = await createCustomer(admin, 'Admin Co');

    const rep1List = await listedIds(rep1);
    expect(rep1List).toEqual(expect.arrayContaining([mine.id, colleagues.id]));
    expect(rep1List).not.toContain(managers.id); // North, not North-1: outside the rep's department
    expect(rep1List).not.toContain(admins.id);
    expect((await call(rep1, 'GET', `/api/v1/customers/${mine.id}`)).status).toBe(200);
    const hidden = await call(rep1, 'GET', `/api/v1/customers/${colleagues.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('CUSTOMER.NOT_FOUND');
    expect(hidden.type).toMatch(/application\/problem\+json/);

    const managerList = await listedIds(manager);
    expect(managerList).toEqual(expect.arrayContaining([mine.id, colleagues.id, managers.id]));
    expect(managerList).not.toContain(admins.id);
    expect((await call(manager, 'GET', `/api/v1/customers/${colleagues.id}`)).status).toBe(200);
    expect((await call(manager, 'PATCH', `/api/v1/customers/${colleagues.id}`, { level: 'B' })).status).toBe(200);

    expect(await listedIds(admin)).toEqual(expect.arrayContaining([mine.id, colleagues.id, managers.id, admins.id]));
    expect(await listedIds(adminB)).not.toContain(mine.id);
    expect((await call(adminB, 'GET', `/api/v1/customers/${mine.id}`)).status).toBe(404);
    expect((await call(adminB, 'PATCH', `/api/v1/customers/${mine.id}`, { level: 'C' })).status).toBe(404);

    const filtered = await call(rep1, 'GET', `/api/v1/customers?q=${encodeURIComponent('rep2 co')}&ownerId=${rep2.id}&sort=name`);
    expect(filtered.body.items.map((c: { id: string }) => c.id)).toEqual([colleagues.id]);
  });

  it('answers 403 AUTH.FORBIDDEN to a change of a customer the caller may view but not edit', async () => {
    const c = await createCustomer(rep2, 'Viewable Co');
    expect((await call(rep1, 'POST', `/api/v1/customers/${c.id}/shares`, { userId: rep1.id, access: 'read' })).status).toBe(404);
    const shared = await call(rep2, 'POST', `/api/v1/customers/${c.id}/shares`, { userId: rep1.id, access: 'read' });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({ object: 'customer', recordId: c.id, userId: rep1.id, access: 'read' });
    expect((await call(rep1, 'GET', `/api/v1/customers/${c.id}`)).status).toBe(200);
    for (const [method, body] of [['PATCH', { level: 'B' }], ['DELETE', undefined]] as const) {
      const res = await call(rep1, method, `/api/v1/customers/${c.id}`, body);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('AUTH.FORBIDDEN');
    }
    expect((await call(rep1, 'POST', '/api/v1/contacts', { customerId: c.id, name: 'Nope' })).status).toBe(403);
  });

  it('refuses mass assignment: id, code, ownerId, tenantId, createdBy and unknown fields are 400', async () => {
    const c = await createCustomer(rep1, 'Guarded Co');
    for (const field of ['id', 'code', 'ownerId', 'tenantId', 'createdBy', 'updatedBy', 'deletedAt', 'zzz']) {
      const value = ['id', 'ownerId', 'tenantId', 'createdBy', 'updatedBy'].includes(field) ? rep2.id : 'x';
      for (const [method, path] of [['POST', '/api/v1/customers'], ['PATCH', `/api/v1/customers/${c.id}`]]) {
        const res = await call(rep1, method, path, { name: 'Evil', [field]: value });
        expect({ field, method, status: res.status }).toEqual({ field, method, status: 400 });
        expect(JSON.stringify(res.body.errors)).toContain(field);
      }
    }
    const after = await call(rep1, 'GET', `/api/v1/customers/${c.id}`);
    expect(after.body).toMatchObject({ name: 'Guarded Co', ownerId: rep1.id, code: c.code });
    expect((await call(rep1, 'POST', '/api/v1/contacts', { customerId: c.id, name: 'X', ownerId: rep2.id })).status).toBe(400);
  });

  it('lets only administrators give a customer another owner of the tenant; its contacts follow', async () => {
    const c = await createCustomer(rep1, 'Handover Co');
    const contact = (await call(rep1, 'POST', '/api/v1/contacts', { customerId: c.id, name: 'Zhao Lei', phones: ['139'] })).body;
    expect(contact.ownerId).toBe(rep1.id);
    expect((await call(rep1, 'PUT', `/api/v1/customers/${c.id}/owner`, { ownerId: rep1.id })).status).toBe(403);
    expect((await call(admin, 'PUT', `/api/v1/customers/${c.id}/owner`, { ownerId: adminB.id })).status).toBe(400);
    const moved = await call(admin, 'PUT', `/api/v1/customers/${c.id}/owner`, { ownerId: rep2.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ ownerId: rep2.id, updatedBy: admin.id });
    expect((await call(rep2, 'GET', `/api/v1/contacts/${contact.id}`)).body.ownerId).toBe(rep2.id);
    expect((await call(rep1, 'GET', `/api/v1/customers/${c.id}`)).status).toBe(404);
  });

  it('grants read or edit through shares, and no more once a share expires', async () => {
    const c = await createCustomer(rep2, 'Shared Co');
    expect((await call(rep2, 'POST', `/api/v1/customers/${c.id}/shares`, { userId: rep1.id, access: 'edit' })).status).toBe(201);
    expect((await call(rep1, 'PATCH', `/api/v1/customers/${c.id}`, { remarks: 'edited by a colleague' })).status).toBe(200);
    // Ask to share with both, or with neither: exactly one is required.
    expect((await call(rep2, 'POST', `/api/v1/customers/${c.id}/shares`, { userId: rep1.id, departmentId: south.id, access: 'read' })).status).toBe(400);
    expect((await call(rep2, 'POST', `/api/v1/customers/${c.id}/shares`, { userId: rep1.id, access: 'read', expiresAt: '2000-01-01T00:00:00.000Z' })).status).toBe(400);

    const soon = new Date(Date.now() + 1500).toISOString();
    expect((await call(rep2, 'POST', `/api/v1/customers/${c.id}/shares`, { userId: rep1.id, access: 'edit', expiresAt: soon })).status).toBe(201);
    expect((await call(rep1, 'GET', `/api/v1/customers/${c.id}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1700));
    expect((await call(rep1, 'GET', `/api/v1/customers/${c.id}`)).status).toBe(404);
    expect((await call(rep1, 'PATCH', `/api/v1/customers/${c.id}`, { remarks: 'too late' })).status).toBe(404);

    const dept = await createCustomer(rep1, 'Dept-shared Co');
    expect((await call(rep1, 'POST', `/api/v1/customers/${dept.id}/shares`, { departmentId: south.id, access: 'read' })).status).toBe(201);
  });

  it('soft-deletes a customer with its contacts and follow-ups into the recycle bin, and restores them together', async () => {
    const c = await createCustomer(rep1, 'Recyclable Co');
    const kept = (await call(rep1, 'POST', '/api/v1/contacts', { customerId: c.id, name: 'Kept', email: 'kept@example.com', decisionRole: 'user' })).body;
    const gone = (await call(rep1, 'POST', '/api/v1/contacts', { customerId: c.id, name: 'Gone before' })).body;
    const followUp = await call(rep1, 'POST', '/api/v1/follow-ups', { customerId: c.id, contactId: kept.id, type: 'call', content: 'Asked for a quote', nextFollowUpAt: '2030-01-01T00:00:00.000Z' });
    expect(followUp.status).toBe(201);
    expect(followUp.body).toMatchObject({ ownerId: rep1.id, customerId: c.id, contactId: kept.id, type: 'call' });
    expect((await call(rep1, 'DELETE', `/api/v1/contacts/${gone.id}`)).status).toBe(204);

    expect((await call(rep2, 'DELETE', `/api/v1/customers/${c.id}`)).status).toBe(404);
    expect((await call(rep1, 'DELETE', `/api/v1/customers/${c.id}`)).status).toBe(204);
    expect((await call(rep1, 'GET', `/api/v1/customers/${c.id}`)).status).toBe(404);
    expect(await listedIds(rep1)).not.toContain(c.id);
    expect((await call(rep1, 'GET', `/api/v1/contacts/${kept.id}`)).status).toBe(404);
    expect((await call(rep1, 'GET', `/api/v1/follow-ups?customerId=${c.id}`)).body.total).toBe(0);

    const bin = await call(rep1, 'GET', '/api/v1/recycle-bin?object=customer');
    expect(bin.body.items.map((x: { id: string }) => x.id)).toContain(c.id);
    expect(await listedIds(rep2, '/api/v1/recycle-bin?object=customer')).not.toContain(c.id);
    expect((await call(rep1, 'GET', '/api/v1/recycle-bin')).status).toBe(400);

    const restored = await call(rep1, 'POST', `/api/v1/customers/${c.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id: c.id, deletedAt: null });
    expect((await call(rep1, 'POST', `/api/v1/customers/${c.id}/restore`)).status).toBe(409);
    expect((await call(rep1, 'GET', `/api/v1/contacts/${kept.id}`)).status).toBe(200);
    expect((await call(rep1, 'GET', `/api/v1/contacts/${gone.id}`)).status).toBe(404); // deleted on its own: stays deleted
    const fus = await call(rep1, 'GET', `/api/v1/follow-ups?customerId=${c.id}`);
    expect(fus.body.items.map((f: { id: string }) => f.id)).toEqual([followUp.body.id]);
    expect((await call(rep1, 'GET', `/api/v1/follow-ups/${followUp.body.id}`)).status).toBe(200);
    expect((await call(rep2, 'GET', `/api/v1/follow-ups/${followUp.body.id}`)).status).toBe(404);

    const seen = await h.identity.readTopic('sales.customer.v1', (msgs) => msgs.filter((m) => String(m.key) === c.id).length >= 3);
    const types = seen.filter((m) => String(m.key) === c.id).map((m) => JSON.parse(String(m.value)).type);
    expect(types).toEqual(['crm.sales.customer.created', 'crm.sales.customer.deleted', 'crm.sales.customer.restored']);
    const contactEvents = await h.identity.readTopic('sales.contact.v1', (msgs) => msgs.filter((m) => String(m.key) === gone.id).length >= 2);
    expect(contactEvents.filter((m) => String(m.key) === gone.id).map((m) => JSON.parse(String(m.value)).type)).toEqual(['crm.sales.contact.created', 'crm.sales.contact.deleted']);
  });

  it('scopes contacts and follow-ups: a rep lists their own contacts, the manager their subordinates\u2019', async () => {
    const c = await createCustomer(rep2, 'Contacts Co');
    const contact = (await call(rep2, 'POST', '/api/v1/contacts', { customerId: c.id, name: 'Qian Yu' })).body;
    expect(await listedIds(rep1, '/api/v1/contacts?pageSize=200')).not.toContain(contact.id);
    expect(await listedIds(manager, '/api/v1/contacts?pageSize=200')).toContain(contact.id);
    expect((await call(rep1, 'GET', `/api/v1/contacts/${contact.id}`)).status).toBe(404);
    const changed = await call(rep2, 'PATCH', `/api/v1/contacts/${contact.id}`, { title: 'CEO', phones: ['1', '2'] });
    expect(changed.body).toMatchObject({ title: 'CEO', phones: ['1', '2'], ownerId: rep2.id });
    expect((await call(rep1, 'POST', '/api/v1/follow-ups', { customerId: c.id, type: 'visit', content: 'x' })).status).toBe(404);
    expect((await call(rep2, 'POST', '/api/v1/follow-ups', { customerId: c.id, type: 'fax', content: 'x' })).status).toBe(400);
  });
});
