/**
 * Customer public pools (公海池) through the gateway, across marketing (the ownership ledger) and
 * sales (the customer): a customer created in sales is returned to the default pool, claimed by
 * another member, and sales shows each change of hands on the customer and its contacts.
 */
import { Answer, RunningSystem, demoTeam, eventually, request, startSystem, waitUntilHealthy } from './support/system';

jest.setTimeout(120_000);

describe('customer pools across marketing and sales', () => {
  let system: RunningSystem;
  let admin: string;
  let owner: { id: string; token: string };
  let claimer: { id: string; token: string };
  const http = (method: string, path: string, token?: string, body?: unknown): Promise<Answer> => request(system.gateway, method, path, { token, body });

  beforeAll(async () => {
    system = await startSystem({ label: 'pools' });
    expect((await waitUntilHealthy(system.gateway)).status).toBe(200);
    let users: { id: string; token: string }[];
    ({ admin, users } = await demoTeam(system, 'Pool members', ['pool-owner', 'pool-claimer']));
    [owner, claimer] = users;
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('returns a customer to the default pool and lets another member claim it: sales follows each move, for the customer and its contacts', async () => {
    // Marketing knows the users once identity's events reach its org projection.
    const pool = await eventually('the default pool', async () => {
      const res = await http('POST', '/api/v1/customer-pools', admin, {
        name: 'Default pool', isDefault: true, adminIds: [], memberIds: [owner.id, claimer.id], reviewType: 'none', allocation: 'claim-and-assign', rules: { maxClaimsPerDay: 5 },
      });
      return res.status === 201 ? res.body : undefined;
    });
    expect(pool.code).toMatch(/^KHMX-\d{8}-\d{2}$/);
    const customer = await eventually('a customer in sales', async () => {
      const res = await http('POST', '/api/v1/customers', owner.token, { name: 'Pooled Trading Co' });
      return res.status === 201 ? res.body : undefined;
    });
    const contact = (await http('POST', '/api/v1/contacts', owner.token, { customerId: customer.id, name: 'Zhang Min' })).body;

    // Marketing's ledger has the customer once sales' event arrives; until then the return is a 404.
    const returned = await eventually('the return', async () => {
      const res = await http('POST', `/api/v1/customers/${customer.id}/return`, owner.token, { reason: 'No budget this year.' });
      return res.status === 200 ? res.body : undefined;
    });
    expect(returned).toEqual({ customerId: customer.id, poolId: pool.id });
    const inPool = await eventually('the customer in the pool, in sales', async () => {
      const c = (await http('GET', `/api/v1/customers/${customer.id}`, admin)).body;
      return c.poolId === pool.id ? c : undefined;
    });
    expect(inPool.ownerId).toBeNull();
    expect((await http('GET', `/api/v1/contacts/${contact.id}`, admin)).body.ownerId).toBeNull();
    expect((await http('GET', `/api/v1/customers/${customer.id}`, owner.token)).status).toBe(404);
    const waiting = (await http('GET', `/api/v1/customer-pools/${pool.id}/customers`, claimer.token)).body;
    expect(waiting.items.map((c: { customerId: string }) => c.customerId)).toContain(customer.id);

    const claimed = await http('POST', `/api/v1/customer-pools/${pool.id}/claims`, claimer.token, { customerIds: [customer.id] });
    expect(claimed.status).toBe(200);
    expect(claimed.body.results).toEqual([{ customerId: customer.id, status: 'ok' }]);
    const mine = await eventually('the claim, in sales', async () => {
      const res = await http('GET', `/api/v1/customers/${customer.id}`, claimer.token);
      return res.status === 200 ? res.body : undefined;
    });
    expect(mine).toMatchObject({ ownerId: claimer.id, poolId: null });
    expect((await http('GET', `/api/v1/contacts/${contact.id}`, claimer.token)).body.ownerId).toBe(claimer.id);

    const history = (await http('GET', `/api/v1/customers/${customer.id}/ownership-history?sort=at`, claimer.token)).body;
    expect(history.items.map((e: { action: string; actorId: string }) => [e.action, e.actorId])).toEqual([['return', owner.id], ['claim', claimer.id]]);

    // The operation log has marketing's moves and sales' application of them.
    const entries = await eventually('the audit entries', async () => {
      const res = await http('GET', `/api/v1/audit-logs?objectId=${customer.id}&action=owner-change&pageSize=200`, admin);
      return res.body.items?.length >= 4 ? res.body.items : undefined;
    });
    expect(entries.map((e: { service: string }) => e.service).sort()).toEqual(['marketing', 'marketing', 'sales', 'sales']);
  });

  it('follows in the ledger an owner change an administrator makes in sales', async () => {
    const customer = (await http('POST', '/api/v1/customers', owner.token, { name: 'Handed Over Co' })).body;
    expect((await http('PUT', `/api/v1/customers/${customer.id}/owner`, admin, { ownerId: claimer.id })).status).toBe(200);
    const history = await eventually('the owner change in the ledger', async () => {
      const res = await http('GET', `/api/v1/customers/${customer.id}/ownership-history`, claimer.token);
      return res.status === 200 && res.body.total === 1 ? res.body.items : undefined;
    });
    expect(history[0]).toMatchObject({ action: 'assign', fromOwnerId: owner.id, toOwnerId: claimer.id, reason: 'Owner changed in sales.' });
    // Now the claimer's, it can go back to the pool.
    expect((await http('POST', `/api/v1/customers/${customer.id}/return`, owner.token, { reason: 'x' })).body.code).toBe('POOL.NOT_OWNER');
    expect((await http('POST', `/api/v1/customers/${customer.id}/return`, claimer.token, { reason: 'x' })).status).toBe(200);
  });

  it('publishes marketing\u2019s customer sub-resources in the merged OpenAPI document', async () => {
    const doc = (await http('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/customer-pools', '/api/v1/customer-pools/{id}/claims', '/api/v1/customers/{id}/return', '/api/v1/customers/{id}/ownership-history']));
    expect(doc.paths['/api/v1/customers/{id}'].get).toBeDefined();
  });
});
