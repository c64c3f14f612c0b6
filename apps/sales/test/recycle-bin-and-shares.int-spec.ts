import { UserData } from '@crm/contracts';
import { PurgeRecycleBinJob } from '../src/application/recycle-bin/purge-recycle-bin.job';
import { SalesHarness, startSalesHarness } from './support';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The recycle bin for contacts, its retention purge, and managing a customer's shares. */
describe('sales: recycle bin, retention and shares', () => {
  let h: SalesHarness;
  let rep1: UserData, rep2: UserData, manager: UserData, admin: UserData, adminB: UserData;
  const call = (as: UserData, method: string, path: string, body?: unknown) => h.call(as, method, path, body);
  const customer = async (as: UserData, name: string) => {
    const res = await call(as, 'POST', '/api/v1/customers', { name });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const contact = async (as: UserData, customerId: string, name: string) => {
    const res = await call(as, 'POST', '/api/v1/contacts', { customerId, name });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const binIds = async (as: UserData, object: string) => ((await call(as, 'GET', `/api/v1/recycle-bin?object=${object}&pageSize=200`)).body.items as { id: string }[]).map((r) => r.id);

  beforeAll(async () => {
    h = await startSalesHarness('sales_recycle_bin');
    ({ rep1, rep2, manager, admin, adminB } = h.users);
  }, 90_000);

  afterAll(() => h?.stop());

  it('lists contacts deleted on their own and restores them; those deleted with their customer come back with it', async () => {
    const c = await customer(rep1, 'Bin Co');
    const alone = await contact(rep1, c.id, 'Deleted alone');
    const withCustomer = await contact(rep1, c.id, 'Deleted with the customer');
    expect((await call(rep1, 'DELETE', `/api/v1/contacts/${alone.id}`)).status).toBe(204);
    expect(await binIds(rep1, 'contact')).toEqual([alone.id]);
    expect(await binIds(manager, 'contact')).toEqual([alone.id]);
    expect(await binIds(rep2, 'contact')).toEqual([]);
    expect(await binIds(adminB, 'contact')).toEqual([]);
    expect((await call(rep2, 'POST', `/api/v1/contacts/${alone.id}/restore`)).status).toBe(404);
    expect((await call(rep1, 'POST', `/api/v1/contacts/${withCustomer.id}/restore`)).status).toBe(409);

    // While its customer is in the bin, a contact cannot come back alone.
    expect((await call(rep1, 'DELETE', `/api/v1/customers/${c.id}`)).status).toBe(204);
    expect(await binIds(rep1, 'contact')).toEqual([]);
    const blocked = await call(rep1, 'POST', `/api/v1/contacts/${alone.id}/restore`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('CONTACT.CUSTOMER_DELETED');
    expect((await call(rep1, 'POST', `/api/v1/customers/${c.id}/restore`)).status).toBe(200);
    expect((await call(rep1, 'GET', `/api/v1/contacts/${withCustomer.id}`)).status).toBe(200);
    expect((await call(rep1, 'GET', `/api/v1/contacts/${alone.id}`)).status).toBe(404);

    const restored = await call(rep1, 'POST', `/api/v1/contacts/${alone.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id: alone.id, deletedAt: null });
    expect((await call(rep1, 'GET', `/api/v1/contacts/${alone.id}`)).status).toBe(200);
    expect((await call(rep1, 'GET', '/api/v1/recycle-bin?object=opportunity')).status).toBe(400);
    expect((await call(rep1, 'GET', '/api/v1/recycle-bin')).status).toBe(400);
  });

  it('purges what stayed in the bin longer than the retention, with everything under it, and nothing else', async () => {
    const old = await customer(rep1, 'Old deleted');
    const oldContact = await contact(rep1, old.id, 'Old contact');
    const followUp = await call(rep1, 'POST', '/api/v1/follow-ups', { customerId: old.id, contactId: oldContact.id, type: 'call', content: 'x' });
    expect(followUp.status).toBe(201);
    const recent = await customer(rep1, 'Recently deleted');
    const live = await customer(rep1, 'Live');
    const lonely = await contact(rep1, live.id, 'Deleted contact of a live customer');
    for (const id of [old.id, recent.id]) expect((await call(rep1, 'DELETE', `/api/v1/customers/${id}`)).status).toBe(204);
    expect((await call(rep1, 'DELETE', `/api/v1/contacts/${lonely.id}`)).status).toBe(204);
    // Make two of them old: deleted 31 days ago, beyond the default 30-day retention.
    const longAgo = new Date(Date.now() - 31 * DAY_MS);
    await h.db.query('UPDATE customers SET deleted_at = $2 WHERE id = $1', [old.id, longAgo]);
    await h.db.query('UPDATE contacts SET deleted_at = $2 WHERE customer_id = $1', [old.id, longAgo]);
    await h.db.query('UPDATE follow_ups SET deleted_at = $2 WHERE customer_id = $1', [old.id, longAgo]);
    await h.db.query('UPDATE contacts SET deleted_at = $2 WHERE id = $1', [lonely.id, longAgo]);

    const purged = await h.app.get(PurgeRecycleBinJob).purge();
    expect(purged).toEqual({ customer: 1, contact: 2, 'follow-up': 1 });
    const exists = async (table: string, id: string) => (await h.db.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).rowCount === 1;
    expect(await exists('customers', old.id)).toBe(false);
    expect(await exists('contacts', oldContact.id)).toBe(false);
    expect(await exists('follow_ups', followUp.body.id)).toBe(false);
    expect(await exists('contacts', lonely.id)).toBe(false);
    expect(await exists('customers', recent.id)).toBe(true);
    expect(await exists('customers', live.id)).toBe(true);
    expect(await binIds(rep1, 'customer')).toContain(recent.id);
    expect(await binIds(rep1, 'customer')).not.toContain(old.id);
    // Purged once: a second run finds nothing.
    expect(await h.app.get(PurgeRecycleBinJob).purge()).toEqual({ customer: 0, contact: 0, 'follow-up': 0 });
    // Each purged customer and separately deleted contact has a `purge` entry by the system.
    const entries = await h.db.query("SELECT event->'data' AS data FROM outbox WHERE topic = 'sales.audit.v1' AND event->'data'->>'action' = 'purge'");
    expect(entries.rows.map((r) => [r.data.objectType, r.data.objectId, r.data.actorId]).sort()).toEqual(
      [
        ['contact', lonely.id, null],
        ['customer', old.id, null],
      ].sort(),
    );
  });

  it('lists a customer\u2019s shares to those who may edit it and revokes them at once', async () => {
    const c = await customer(rep2, 'Shared Co');
    const share = await call(rep2, 'POST', `/api/v1/customers/${c.id}/shares`, { userId: rep1.id, access: 'read' });
    expect(share.status).toBe(201);
    expect((await call(rep1, 'GET', `/api/v1/customers/${c.id}`)).status).toBe(200);

    const listed = await call(rep2, 'GET', `/api/v1/customers/${c.id}/shares`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ id: share.body.id, userId: rep1.id, access: 'read' })]);
    expect((await call(manager, 'GET', `/api/v1/customers/${c.id}/shares`)).status).toBe(200);
    expect((await call(rep1, 'GET', `/api/v1/customers/${c.id}/shares`)).status).toBe(403); // reads through the share, may not manage it
    expect((await call(adminB, 'GET', `/api/v1/customers/${c.id}/shares`)).status).toBe(404);
    expect((await call(rep1, 'DELETE', `/api/v1/customers/${c.id}/shares/${share.body.id}`)).status).toBe(403);

    expect((await call(rep2, 'DELETE', `/api/v1/customers/${c.id}/shares/not-a-uuid`)).status).toBe(404);
    expect((await call(admin, 'DELETE', `/api/v1/customers/${c.id}/shares/${share.body.id}`)).status).toBe(204);
    expect((await call(rep1, 'GET', `/api/v1/customers/${c.id}`)).status).toBe(404);
    expect((await call(rep2, 'DELETE', `/api/v1/customers/${c.id}/shares/${share.body.id}`)).status).toBe(404);
    expect((await call(rep2, 'GET', `/api/v1/customers/${c.id}/shares`)).body).toEqual([]);
  });
});
