import { randomUUID } from 'node:crypto';
import { CustomerOwnerChanged, CustomerOwnerChangedData, CustomerUpdated, UserData } from '@crm/contracts';
import { publishInTransaction } from '@crm/messaging';
import { SalesHarness, eventually, startSalesHarness } from './support';

/**
 * Marketing's ownership ledger decides who owns a customer that goes through a public pool; sales
 * applies its crm.marketing.customer.owner-changed events (published here as marketing would).
 */
describe('sales: customers changing hands through marketing\u2019s public pools', () => {
  let h: SalesHarness;
  let rep1: UserData, rep2: UserData, manager: UserData, admin: UserData;
  const call = (as: UserData, method: string, path: string, body?: unknown) => h.call(as, method, path, body);
  const announce = (data: Omit<CustomerOwnerChangedData, 'tenantId' | 'at'>) =>
    h.identity.dataSource.transaction((m) =>
      publishInTransaction(m, CustomerOwnerChanged, { tenantId: h.tenantA, subject: data.customerId, data: { ...data, tenantId: h.tenantA, at: new Date().toISOString() } }),
    );

  beforeAll(async () => {
    h = await startSalesHarness('sales_customer_ownership');
    ({ rep1, rep2, manager, admin } = h.users);
  }, 90_000);

  afterAll(() => h?.stop());

  it('puts a returned customer and its contacts in the pool (no owner: only ALL-scope users see it), then gives them to the claimant', async () => {
    const customer = (await call(rep1, 'POST', '/api/v1/customers', { name: 'Pooled Co' })).body;
    const contact = (await call(rep1, 'POST', '/api/v1/contacts', { customerId: customer.id, name: 'Li Na' })).body;
    const poolId = randomUUID();
    const adminTotal = async () => (await call(admin, 'GET', '/api/v1/customers')).body.total;
    const before = await adminTotal();

    await announce({ customerId: customer.id, ownerId: null, poolId, action: 'return', actorId: rep1.id });
    const pooled = await eventually(async () => {
      const c = (await call(admin, 'GET', `/api/v1/customers/${customer.id}`)).body;
      return c.poolId === poolId ? c : undefined;
    }, 15_000, 'the customer in the pool');
    expect(pooled).toMatchObject({ ownerId: null, poolId, updatedBy: rep1.id });
    expect((await call(admin, 'GET', `/api/v1/contacts/${contact.id}`)).body.ownerId).toBeNull();
    expect((await call(rep1, 'GET', `/api/v1/customers/${customer.id}`)).status).toBe(404);
    expect((await call(manager, 'GET', '/api/v1/customers?pageSize=200')).body.items.map((c: { id: string }) => c.id)).not.toContain(customer.id);
    expect((await call(admin, 'GET', '/api/v1/customers?pageSize=200')).body.items.map((c: { id: string }) => c.id)).toContain(customer.id);
    expect(await adminTotal()).toBe(before); // pooled customers still count in an ALL-scope total

    await announce({ customerId: customer.id, ownerId: rep2.id, poolId: null, action: 'claim', actorId: rep2.id });
    await eventually(async () => ((await call(rep2, 'GET', `/api/v1/customers/${customer.id}`)).body?.ownerId === rep2.id ? true : undefined), 15_000, 'the claim applied');
    expect((await call(rep2, 'GET', `/api/v1/contacts/${contact.id}`)).body).toMatchObject({ ownerId: rep2.id });
    expect((await call(rep2, 'GET', `/api/v1/customers/${customer.id}`)).body.poolId).toBeNull();

    // Each applied change is announced as a customer update (with the pool), for every projection of customers.
    const moves = (msgs: { key: Buffer | null; value: Buffer | null }[]) =>
      msgs.filter((m) => String(m.key) === customer.id).map((m) => JSON.parse(String(m.value)).data).filter((u) => u.ownerId !== rep1.id);
    const updates = moves(await h.identity.readTopic(CustomerUpdated.topic, (msgs) => moves(msgs).length >= 2));
    expect(updates.map((u) => [u.ownerId, u.poolId])).toEqual([[null, poolId], [rep2.id, null]]);
  });

  it('takes a pooled customer out of its pool when an administrator gives it an owner', async () => {
    const customer = (await call(rep1, 'POST', '/api/v1/customers', { name: 'Reassigned Co' })).body;
    await announce({ customerId: customer.id, ownerId: null, poolId: randomUUID(), action: 'return', actorId: rep1.id });
    await eventually(async () => ((await call(admin, 'GET', `/api/v1/customers/${customer.id}`)).body.ownerId === null ? true : undefined), 15_000, 'pooled');
    const res = await call(admin, 'PUT', `/api/v1/customers/${customer.id}/owner`, { ownerId: rep2.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ownerId: rep2.id, poolId: null });
  });
});
