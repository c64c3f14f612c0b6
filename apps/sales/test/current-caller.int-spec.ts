import { UserData, UserUpdated } from '@crm/contracts';
import { SalesHarness, eventually, startSalesHarness } from './support';

/** The token says who calls; the org projection says what they may do now. */
describe('sales: the caller as the org projection knows them', () => {
  let h: SalesHarness;
  let rep1: UserData, rep2: UserData;

  beforeAll(async () => {
    h = await startSalesHarness('sales_current_caller');
    ({ rep1, rep2 } = h.users);
  }, 90_000);

  afterAll(() => h?.stop());

  it('applies a role change and a disabled account from the next request after identity\u2019s event, with the same token', async () => {
    const created = await h.call(rep2, 'POST', '/api/v1/customers', { name: 'Colleague Co' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await h.call(rep1, 'GET', `/api/v1/customers/${id}`)).status).toBe(404); // account manager: view SELF

    // rep1's token still says account-manager; the projection now says dept-manager.
    await h.identity.publish(UserUpdated, { ...rep1, roleCodes: ['dept-manager'] });
    await eventually(async () => ((await h.call(rep1, 'GET', `/api/v1/customers/${id}`)).status === 200 ? true : undefined), 10_000, 'role change applied');

    await h.identity.publish(UserUpdated, { ...rep1, roleCodes: ['dept-manager'], status: 'disabled' });
    const refused = await eventually(async () => {
      const res = await h.call(rep1, 'GET', '/api/v1/customers');
      return res.status === 401 ? res : undefined;
    }, 10_000, 'disabled user refused');
    expect(refused.body.code).toBe('AUTH.USER_DISABLED');
    expect((await h.call(rep2, 'GET', '/api/v1/customers')).status).toBe(200);
  });
});
