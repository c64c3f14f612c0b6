import { UserData } from '@crm/contracts';
import { SalesHarness, startSalesHarness } from './support';

describe('sales: data dictionaries', () => {
  let h: SalesHarness;
  let rep1: UserData, manager: UserData, admin: UserData, adminB: UserData;
  const call = (as: UserData, method: string, path: string, body?: unknown) => h.call(as, method, path, body);
  const codes = async (as: UserData, kind: string, query = '') => ((await call(as, 'GET', `/api/v1/dictionaries/${kind}${query}`)).body.items as { code: string }[]).map((i) => i.code);

  beforeAll(async () => {
    h = await startSalesHarness('sales_dictionaries');
    ({ rep1, manager, admin, adminB } = h.users);
  }, 90_000);

  afterAll(() => h?.stop());

  it('seeds every tenant\u2019s defaults once, even when its first requests race', async () => {
    const first = await Promise.all(Array.from({ length: 6 }, () => call(adminB, 'GET', '/api/v1/dictionaries')));
    expect(first.map((r) => r.status)).toEqual(Array(6).fill(200));
    const { rows } = await h.db.query('SELECT kind, count(*)::int AS n FROM dictionary_items WHERE tenant_id = $1 GROUP BY kind ORDER BY kind', [h.tenantB]);
    expect(rows).toEqual([
      { kind: 'contact-decision-role', n: 6 },
      { kind: 'customer-industry', n: 11 },
      { kind: 'customer-level', n: 4 },
      { kind: 'customer-source', n: 8 },
      { kind: 'customer-type', n: 5 },
    ]);
    for (const r of first) expect(r.body).toEqual(first[0].body);
  });

  it('shows every signed-in user the kinds with their seeded items, by sort', async () => {
    const all = await call(rep1, 'GET', '/api/v1/dictionaries');
    expect(all.status).toBe(200);
    expect(all.body.items.map((d: { kind: string }) => d.kind)).toEqual(['customer-type', 'customer-source', 'customer-industry', 'customer-level', 'contact-decision-role']);
    const level = all.body.items.find((d: { kind: string }) => d.kind === 'customer-level');
    expect(level).toMatchObject({ name: '客户级别', nameEn: 'Customer level', field: 'customer.level' });
    expect(level.items.map((i: { code: string }) => i.code)).toEqual(['A', 'B', 'C', 'D']);
    const source = await call(rep1, 'GET', '/api/v1/dictionaries/customer-source');
    expect(source.body.items[0]).toEqual({ kind: 'customer-source', code: 'exhibition', label: '展会', labelEn: 'Exhibition', sort: 10, enabled: true });
    expect(await codes(manager, 'contact-decision-role')).toEqual(expect.arrayContaining(['decision-maker', 'influencer', 'user']));

    const unknown = await call(rep1, 'GET', '/api/v1/dictionaries/contract-type');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('DICTIONARY.UNKNOWN_KIND');
    expect(unknown.type).toMatch(/application\/problem\+json/);
    expect((await call(rep1, 'GET', '/api/v1/dictionaries/customer-type?enabled=yes')).status).toBe(400);
    expect((await call(rep1, 'GET', '/api/v1/dictionaries?zzz=1')).status).toBe(400);
  });

  it('lets administrators add, edit, disable and delete items, and nobody else', async () => {
    const added = await call(admin, 'POST', '/api/v1/dictionaries/customer-source/items', { code: 'wechat', label: '微信' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ kind: 'customer-source', code: 'wechat', label: '微信', labelEn: null, sort: 90, enabled: true });
    for (const code of ['wechat', 'WeChat', 'exhibition']) {
      const dup = await call(admin, 'POST', '/api/v1/dictionaries/customer-source/items', { code, label: 'again' });
      expect({ code, status: dup.status, problem: dup.body.code }).toEqual({ code, status: 409, problem: 'DICTIONARY.ITEM_EXISTS' });
    }

    const edited = await call(admin, 'PATCH', '/api/v1/dictionaries/customer-source/items/wechat', { label: '微信公众号', labelEn: 'WeChat', sort: 5 });
    expect(edited.body).toEqual({ kind: 'customer-source', code: 'wechat', label: '微信公众号', labelEn: 'WeChat', sort: 5, enabled: true });
    expect((await codes(rep1, 'customer-source'))[0]).toBe('wechat');
    expect((await call(admin, 'PATCH', '/api/v1/dictionaries/customer-source/items/wechat', { enabled: false })).body.enabled).toBe(false);
    expect(await codes(rep1, 'customer-source', '?enabled=true')).not.toContain('wechat');
    expect(await codes(rep1, 'customer-source', '?enabled=false')).toContain('wechat');
    expect(await codes(rep1, 'customer-source')).toContain('wechat');

    for (const as of [rep1, manager]) {
      for (const [method, path, body] of [
        ['POST', '/api/v1/dictionaries/customer-source/items', { code: 'sneaky', label: 'x' }],
        ['PATCH', '/api/v1/dictionaries/customer-source/items/wechat', { enabled: true }],
        ['DELETE', '/api/v1/dictionaries/customer-source/items/wechat', undefined],
      ] as const) {
        const res = await call(as, method, path, body);
        expect({ who: as.username, method, status: res.status, code: res.body.code }).toEqual({ who: as.username, method, status: 403, code: 'AUTH.FORBIDDEN' });
      }
    }

    expect((await call(admin, 'PATCH', '/api/v1/dictionaries/customer-source/items/nope', { label: 'x' })).body.code).toBe('DICTIONARY.ITEM_NOT_FOUND');
    expect((await call(admin, 'POST', '/api/v1/dictionaries/contract-type/items', { code: 'x', label: 'x' })).body.code).toBe('DICTIONARY.UNKNOWN_KIND');
    expect((await call(admin, 'DELETE', '/api/v1/dictionaries/customer-source/items/wechat')).status).toBe(204);
    expect((await call(admin, 'DELETE', '/api/v1/dictionaries/customer-source/items/wechat')).status).toBe(404);
    // A deleted default stays deleted: seeding happens once per tenant and kind.
    expect((await call(admin, 'DELETE', '/api/v1/dictionaries/customer-source/items/advertising')).status).toBe(204);
    expect(await codes(rep1, 'customer-source')).not.toContain('advertising');
  });

  it('keeps each tenant\u2019s items to itself', async () => {
    expect((await call(admin, 'POST', '/api/v1/dictionaries/customer-industry/items', { code: 'aerospace', label: '航空航天' })).status).toBe(201);
    expect(await codes(adminB, 'customer-industry')).not.toContain('aerospace');
    expect((await call(adminB, 'PATCH', '/api/v1/dictionaries/customer-industry/items/aerospace', { label: 'x' })).status).toBe(404);
    expect((await call(adminB, 'DELETE', '/api/v1/dictionaries/customer-industry/items/aerospace')).status).toBe(404);
    const own = await call(adminB, 'POST', '/api/v1/dictionaries/customer-industry/items', { code: 'aerospace', label: 'Aerospace (B)' });
    expect(own.status).toBe(201);
    expect((await call(admin, 'GET', '/api/v1/dictionaries/customer-industry')).body.items.find((i: { code: string }) => i.code === 'aerospace').label).toBe('航空航天');
    expect((await call(adminB, 'PATCH', '/api/v1/dictionaries/customer-level/items/D', { enabled: false })).status).toBe(200);
    expect(await codes(rep1, 'customer-level', '?enabled=true')).toContain('D');
  });

  it('accepts only enabled codes on customers and contacts, naming the field and the allowed codes', async () => {
    const bad = await call(rep1, 'POST', '/api/v1/customers', { name: 'Coded Co', level: 'Z', source: 'exhibition' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('DICTIONARY.INVALID_CODE');
    expect(bad.body.errors).toEqual([{ field: 'level', message: expect.stringContaining('A, B, C, D') }]);
    const several = await call(rep1, 'POST', '/api/v1/customers', { name: 'Coded Co', type: 'alien', industry: 'MANUFACTURING' });
    expect(several.body.errors.map((e: { field: string }) => e.field)).toEqual(['type', 'industry']);

    const customer = await call(rep1, 'POST', '/api/v1/customers', { name: 'Coded Co', type: 'enterprise', source: 'referral', industry: 'aerospace', level: 'C' });
    expect(customer.status).toBe(201);
    expect(customer.body).toMatchObject({ type: 'enterprise', source: 'referral', industry: 'aerospace', level: 'C' });
    const id = customer.body.id;

    expect((await call(admin, 'PATCH', '/api/v1/dictionaries/customer-level/items/C', { enabled: false })).status).toBe(200);
    const disabled = await call(rep1, 'POST', '/api/v1/customers', { name: 'Late Co', level: 'C' });
    expect(disabled.status).toBe(400);
    expect(disabled.body.errors[0].message).not.toContain('C,');
    // A record keeps a code disabled after it was set: re-sending it with other changes is fine.
    expect((await call(rep1, 'PATCH', `/api/v1/customers/${id}`, { level: 'C', remarks: 'still C' })).status).toBe(200);
    expect((await call(rep1, 'PATCH', `/api/v1/customers/${id}`, { type: 'nonsense' })).status).toBe(400);
    const changed = await call(rep1, 'PATCH', `/api/v1/customers/${id}`, { level: 'A', industry: null });
    expect(changed.body).toMatchObject({ level: 'A', industry: null });
    expect((await call(rep1, 'PATCH', `/api/v1/customers/${id}`, { level: 'C' })).status).toBe(400);
    expect((await call(admin, 'PATCH', '/api/v1/dictionaries/customer-level/items/C', { enabled: true })).status).toBe(200);

    const badContact = await call(rep1, 'POST', '/api/v1/contacts', { customerId: id, name: 'Boss', decisionRole: 'boss' });
    expect(badContact.status).toBe(400);
    expect(badContact.body.errors).toEqual([{ field: 'decisionRole', message: expect.stringContaining('decision-maker') }]);
    const contact = await call(rep1, 'POST', '/api/v1/contacts', { customerId: id, name: 'Boss', decisionRole: 'decision-maker' });
    expect(contact.status).toBe(201);
    expect((await call(rep1, 'PATCH', `/api/v1/contacts/${contact.body.id}`, { decisionRole: 'boss' })).status).toBe(400);
    expect((await call(rep1, 'PATCH', `/api/v1/contacts/${contact.body.id}`, { decisionRole: 'influencer' })).body.decisionRole).toBe('influencer');

    // Another tenant's dictionaries do not count: B disabled D, A did not.
    expect((await call(rep1, 'POST', '/api/v1/customers', { name: 'D Co', level: 'D' })).status).toBe(201);
    expect((await call(adminB, 'POST', '/api/v1/customers', { name: 'D Co', level: 'D' })).status).toBe(400);
    expect((await call(adminB, 'POST', '/api/v1/customers', { name: 'Aero Co', industry: 'aerospace' })).status).toBe(201);
  });

  it('refuses to delete an item a record uses, the recycle bin included: disable it instead', async () => {
    expect((await call(admin, 'POST', '/api/v1/dictionaries/customer-type/items', { code: 'ngo', label: '非营利组织' })).status).toBe(201);
    const c = await call(rep1, 'POST', '/api/v1/customers', { name: 'NGO Co', type: 'ngo' });
    expect((await call(rep1, 'DELETE', `/api/v1/customers/${c.body.id}`)).status).toBe(204);
    const inUse = await call(admin, 'DELETE', '/api/v1/dictionaries/customer-type/items/ngo');
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('DICTIONARY.ITEM_IN_USE');
    expect((await call(admin, 'PATCH', '/api/v1/dictionaries/customer-type/items/ngo', { enabled: false })).status).toBe(200);
    const contactUsed = await call(admin, 'DELETE', '/api/v1/dictionaries/contact-decision-role/items/influencer');
    expect(contactUsed.body.code).toBe('DICTIONARY.ITEM_IN_USE');
    expect((await call(admin, 'DELETE', '/api/v1/dictionaries/contact-decision-role/items/gatekeeper')).status).toBe(204);
  });

  it('answers bad input with 400 problems naming the field, never a 500', async () => {
    const items = '/api/v1/dictionaries/customer-source/items';
    const cases: [string, string, unknown, string][] = [
      ['POST', items, { code: 'has space', label: 'x' }, 'code'],
      ['POST', items, { code: '-lead', label: 'x' }, 'code'],
      ['POST', items, { code: 'x'.repeat(51), label: 'x' }, 'code'],
      ['POST', items, { code: 'ok', label: '' }, 'label'],
      ['POST', items, { code: 'ok', label: 'x'.repeat(51) }, 'label'],
      ['POST', items, { code: 'ok', label: 'x', sort: -1 }, 'sort'],
      ['POST', items, { code: 'ok', label: 'x', sort: 1.5 }, 'sort'],
      ['POST', items, { code: 'ok', label: 'x', sort: null }, 'sort'],
      ['POST', items, { code: 'ok', label: 'x', enabled: false }, 'enabled'],
      ['POST', items, { code: 'ok', label: 'x', kind: 'customer-type' }, 'kind'],
      ['POST', items, { code: 12, label: 'x' }, 'code'],
      ['POST', items, {}, 'label'],
      ['PATCH', `${items}/exhibition`, { label: null }, 'label'],
      ['PATCH', `${items}/exhibition`, { sort: null }, 'sort'],
      ['PATCH', `${items}/exhibition`, { enabled: 'yes' }, 'enabled'],
      ['PATCH', `${items}/exhibition`, { enabled: null }, 'enabled'],
      ['PATCH', `${items}/exhibition`, { code: 'renamed' }, 'code'],
      ['PATCH', `${items}/exhibition`, [], '(body)'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(admin, method, path, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.type).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await call(admin, 'PATCH', `${items}/${encodeURIComponent('not a code ☃')}`, { label: 'x' })).status).toBe(404);
    expect((await call(admin, 'GET', '/api/v1/dictionaries/customer-source')).body.items[0]).toMatchObject({ code: 'exhibition', label: '展会' });
  });
});
