import { randomUUID } from 'node:crypto';
import { ContactCreated, ContactData, CustomerCreated, CustomerData, CustomerDeleted, CustomerRestored, EventDefinition, UserData } from '@crm/contracts';
import { publishInTransaction } from '@crm/messaging';
import { DataSource } from 'typeorm';
import { indexLeads } from '../src/duplicates/duplicates.module';
import { MarketingHarness, eventually, startMarketingHarness } from './support';

/**
 * Duplicate checks (查重) on the marketing harness (see ./support.ts: tenant A has North ⊃ North-1
 * with rep1 and rep2 under the manager, and South with the admin; reps view only their own
 * records). Customers and contacts reach the index as sales publishes them.
 */
describe('marketing: duplicate rules, the duplicate check and its enforcement on leads', () => {
  let h: MarketingHarness;
  let tenantA: string;
  let rep1: UserData, rep2: UserData, manager: UserData, admin: UserData, adminB: UserData;
  const call = (as: UserData, method: string, path: string, body?: unknown) => h.call(as, method, path, body);
  const check = async (as: UserData, object: string, record: Record<string, unknown>) => {
    const res = await call(as, 'POST', '/api/v1/duplicates/check', { object, record });
    expect(res.status).toBe(200);
    return res.body as { outcome: string; candidates: Record<string, unknown>[] };
  };
  const createLead = async (as: UserData, body: Record<string, unknown>) => {
    const res = await call(as, 'POST', '/api/v1/leads', { name: '王伟', ...body });
    expect(res.status).toBe(201);
    return res.body;
  };
  /** Publishes a sales event as sales does, then waits until the index holds the record's state. */
  const asSales = async <T extends { id: string; tenantId: string; updatedAt: string }>(def: EventDefinition<T>, data: T, object: string) => {
    await h.identity.dataSource.transaction((m) => publishInTransaction(m, def, { tenantId: data.tenantId, subject: data.id, data }));
    await eventually(
      async () => ((await h.db.query('SELECT 1 FROM duplicate_index WHERE object = $1 AND record_id = $2 AND source_updated_at >= $3', [object, data.id, data.updatedAt])).rowCount ? true : undefined),
      30_000,
      `${def.type} ${data.id} in the index`,
    );
  };
  let clock = Date.parse('2025-03-28T08:00:00.000Z');
  const tick = () => new Date((clock += 1000)).toISOString();
  const customer = (over: Partial<CustomerData>): CustomerData => {
    const at = tick();
    return {
      id: randomUUID(), tenantId: tenantA, code: `KH-20250328-${String(clock % 10000).padStart(4, '0')}`, name: '客户', shortName: null, type: null, source: null, industry: null, level: null,
      region: null, address: null, phone: null, email: null, website: null, unifiedSocialCreditCode: null, ownerId: rep1.id, poolId: null, tags: [], remarks: null,
      createdBy: rep1.id, updatedBy: rep1.id, createdAt: at, updatedAt: at, deletedAt: null, ...over,
    };
  };
  const contact = (over: Partial<ContactData> & { customerId: string }): ContactData => {
    const at = tick();
    return { id: randomUUID(), tenantId: tenantA, ownerId: rep1.id, name: '联系人', title: null, phones: [], email: null, decisionRole: null, createdAt: at, updatedAt: at, deletedAt: null, ...over };
  };
  const ids = (r: { candidates: Record<string, unknown>[] }) => r.candidates.filter((c) => c.visible).map((c) => c.id);

  beforeAll(async () => {
    h = await startMarketingHarness('marketing_duplicates');
    ({ tenantA } = h);
    ({ rep1, rep2, manager, admin, adminB } = h.users);
  }, 90_000);

  afterAll(() => h?.stop());

  describe('rules', () => {
    it('gives each organisation the default rules on first use, to every signed-in user', async () => {
      const res = await call(rep1, 'GET', '/api/v1/duplicate-rules');
      expect(res.status).toBe(200);
      expect(res.body.items.map((r: { object: string; action: string }) => `${r.object}:${r.action}`)).toEqual(['customer:block', 'customer:warn', 'lead:warn', 'contact:warn', 'opportunity:warn']);
      const leadRule = res.body.items.find((r: { object: string }) => r.object === 'lead');
      expect(leadRule).toMatchObject({
        name: 'Similar company, same phone or same email',
        combinations: [[{ field: 'company', mode: 'fuzzy', threshold: 0.8 }], [{ field: 'phone', mode: 'exact' }], [{ field: 'mobile', mode: 'exact' }], [{ field: 'email', mode: 'exact' }]],
        targets: ['lead', 'customer', 'contact'],
        enabled: true,
      });
      expect(leadRule.id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await call(admin, 'GET', '/api/v1/duplicate-rules')).body.items).toEqual(res.body.items);
      // Another organisation: its own rules.
      const other = (await call(adminB, 'GET', '/api/v1/duplicate-rules')).body.items;
      expect(other).toHaveLength(5);
      expect(other.map((r: { id: string }) => r.id)).not.toContain(leadRule.id);
    });

    it('lets administrators add, change and delete rules; others get 403; another tenant’s rule is 404', async () => {
      const body = { object: 'lead', name: 'Same e-mail blocks', combinations: [[{ field: 'email', mode: 'exact' }]], targets: ['lead'], action: 'block', enabled: false };
      for (const who of [rep1, manager]) {
        expect((await call(who, 'POST', '/api/v1/duplicate-rules', body)).status).toBe(403);
      }
      const created = await call(admin, 'POST', '/api/v1/duplicate-rules', body);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ...body, id: expect.any(String), createdAt: expect.any(String) });
      const id = created.body.id;
      expect((await call(rep1, 'PATCH', `/api/v1/duplicate-rules/${id}`, { enabled: true })).status).toBe(403);
      expect((await call(rep1, 'DELETE', `/api/v1/duplicate-rules/${id}`)).status).toBe(403);
      expect((await call(adminB, 'PATCH', `/api/v1/duplicate-rules/${id}`, { enabled: true })).status).toBe(404);
      expect((await call(adminB, 'DELETE', `/api/v1/duplicate-rules/${id}`)).status).toBe(404);

      const changed = await call(admin, 'PATCH', `/api/v1/duplicate-rules/${id}`, { name: 'Same e-mail warns', action: 'warn' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id, name: 'Same e-mail warns', action: 'warn', enabled: false, object: 'lead' });
      expect((await call(admin, 'PATCH', `/api/v1/duplicate-rules/${id}`, { object: 'customer' })).status).toBe(400);
      expect((await call(admin, 'DELETE', `/api/v1/duplicate-rules/${id}`)).status).toBe(204);
      expect((await call(admin, 'DELETE', `/api/v1/duplicate-rules/${id}`)).body.code).toBe('DUPLICATE.RULE_NOT_FOUND');
      expect((await call(admin, 'GET', '/api/v1/duplicate-rules')).body.items.map((r: { id: string }) => r.id)).not.toContain(id);
      expect((await call(admin, 'PATCH', '/api/v1/duplicate-rules/not-a-uuid', { enabled: true })).status).toBe(404);
    });

    it('answers 400 DUPLICATE.INVALID_RULE naming each problem by its path', async () => {
      const post = (over: object) =>
        call(admin, 'POST', '/api/v1/duplicate-rules', { object: 'lead', name: 'R', combinations: [[{ field: 'company', mode: 'fuzzy' }]], targets: ['lead'], action: 'warn', ...over });
      const bad = await post({ combinations: [[{ field: 'website', mode: 'exact' }], [{ field: 'phone', mode: 'fuzzy' }], [{ field: 'company', mode: 'fuzzy', threshold: 1.5 }]], targets: ['opportunity'] });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('DUPLICATE.INVALID_RULE');
      expect(bad.body.errors).toEqual([
        { field: 'combinations[0][0].field', message: "lead has no field 'website' to check; known: company, name, phone, mobile, email" },
        { field: 'combinations[1][0].mode', message: "'phone' is matched exactly only" },
        { field: 'combinations[2][0].threshold', message: 'must be a number above 0 and at most 1' },
        { field: 'targets[0]', message: 'must be one of lead, customer, contact for a rule on lead' },
      ]);
      expect((await post({ combinations: [] })).body.errors).toEqual([{ field: 'combinations', message: 'must have at least one combination of fields' }]);
      expect((await post({ combinations: [[null]] })).body.errors).toEqual([{ field: 'combinations[0][0]', message: 'must be an object {field, mode, threshold?}' }]);
      const shape = await post({ object: 'invoice', action: 'delete' });
      expect(shape.status).toBe(400);
      expect(shape.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['action', 'object']);

      const [rule] = (await call(admin, 'GET', '/api/v1/duplicate-rules')).body.items;
      const patch = await call(admin, 'PATCH', `/api/v1/duplicate-rules/${rule.id}`, { combinations: [[{ field: 'company', mode: 'exact' }]] });
      expect(patch.status).toBe(400);
      expect(patch.body.errors[0]).toEqual({ field: 'combinations[0][0].field', message: "customer has no field 'company' to check; known: name, phone, email, unifiedSocialCreditCode" });
    });
  });

  describe('the check', () => {
    it('finds a lead under the spellings of a Chinese company name, and not a different company', async () => {
      const lead = await createLead(rep1, { company: '杭州联合机械有限公司' });
      for (const company of ['联合机械（杭州）有限公司', '杭州联合机械股份有限公司', '杭州市联合机械有限公司', '杭州联合机械(集团)有限公司', '杭州联合机械　有限公司 ']) {
        const res = await check(rep1, 'lead', { company });
        expect({ company, outcome: res.outcome, first: res.candidates[0] }).toEqual({
          company,
          outcome: 'warn',
          first: expect.objectContaining({ object: 'lead', id: lead.id, visible: true, name: '杭州联合机械有限公司', ownerId: rep1.id, score: 1, matchedFields: [{ field: 'company', candidateField: 'company', mode: 'fuzzy', score: 1 }] }),
        });
        expect(res.candidates[0].rule).toMatchObject({ name: 'Similar company, same phone or same email', action: 'warn' });
      }
      const similar = await check(rep1, 'lead', { company: '杭州联合机械设备有限公司' });
      expect(similar.candidates[0]).toMatchObject({ id: lead.id, score: 0.833 });
      for (const company of ['杭州联合化工有限公司', '上海联合机械有限公司', '联合机械有限公司']) {
        expect(ids(await check(rep1, 'lead', { company }))).not.toContain(lead.id);
      }
    });

    it('matches phones however they are written, and e-mails whatever their case', async () => {
      const lead = await createLead(rep1, { company: '宁波海天塑机有限公司', phone: '0574-8618 2000', email: 'Sales@HaiTian.example.com' });
      for (const phone of ['+86 574 8618 2000', '(0574) 8618-2000转123', '0086 0574 86182000', '057486182000']) {
        const res = await check(rep1, 'lead', { company: '完全不同的公司', phone });
        expect({ phone, first: res.candidates[0] }).toEqual({ phone, first: expect.objectContaining({ id: lead.id, matchedFields: [{ field: 'phone', candidateField: 'phone', mode: 'exact', score: 1 }] }) });
      }
      expect(ids(await check(rep1, 'lead', { company: '完全不同的公司', phone: '0574-8618 2001' }))).toEqual([]);
      const byMail = await check(rep1, 'lead', { company: '完全不同的公司', email: ' sales@haitian.EXAMPLE.com' });
      expect(byMail.candidates[0]).toMatchObject({ id: lead.id, matchedFields: [{ field: 'email', candidateField: 'email', mode: 'exact', score: 1 }] });
      expect(await check(rep1, 'lead', { company: '完全不同的公司' })).toEqual({ outcome: 'clear', candidates: [] });
    });

    it('checks a lead against customers and contacts projected from sales’ events, and forgets them in the recycle bin', async () => {
      const c = customer({ name: '苏州科达科技股份有限公司', phone: '0512-6878 0000', unifiedSocialCreditCode: '91320500 7109 2731 0A' });
      await asSales(CustomerCreated, c, 'customer');
      const p = contact({ customerId: c.id, name: '李娜', phones: ['0512-1111 2222', '139 1234 5678'], email: 'li.na@keda.example.com' });
      await asSales(ContactCreated, p, 'contact');

      const res = await check(rep1, 'lead', { company: '科达科技(苏州)有限公司', name: '李娜', phone: '+86 13912345678' });
      expect(res.outcome).toBe('warn');
      expect(res.candidates).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ object: 'customer', id: c.id, name: c.name, visible: true, matchedFields: [{ field: 'company', candidateField: 'name', mode: 'fuzzy', score: 1 }] }),
          expect.objectContaining({ object: 'contact', id: p.id, name: '李娜', visible: true, matchedFields: [{ field: 'phone', candidateField: 'phones', mode: 'exact', score: 1 }] }),
        ]),
      );
      // A customer's own check: the credit code blocks, however it is spaced.
      const byCode = await check(rep1, 'customer', { name: '别的名字', unifiedSocialCreditCode: '91320500710927310a' });
      expect(byCode).toMatchObject({ outcome: 'block', candidates: [{ object: 'customer', id: c.id, rule: { action: 'block' } }] });

      await asSales(CustomerDeleted, { ...c, updatedAt: tick(), deletedAt: new Date(clock).toISOString() }, 'customer');
      expect(ids(await check(rep1, 'lead', { company: '科达科技(苏州)有限公司', phone: '13912345678' }))).toEqual([]);
      await asSales(CustomerRestored, { ...c, updatedAt: tick(), deletedAt: null }, 'customer');
      expect(ids(await check(rep1, 'lead', { company: '科达科技(苏州)有限公司', phone: '13912345678' })).sort()).toEqual([c.id, p.id].sort());
    });

    it('masks candidates outside the caller’s view scope to their existence and owner’s department', async () => {
      const lead = await createLead(rep2, { company: '深圳市腾飞电子科技有限公司', phone: '0755-2666 8888' });
      const pooled = customer({ name: '深圳腾飞电子科技有限公司', ownerId: null, poolId: randomUUID() });
      await asSales(CustomerCreated, pooled, 'customer');
      const probe = { company: '腾飞电子科技(深圳)有限公司' };

      const seenByRep1 = await check(rep1, 'lead', probe);
      expect(seenByRep1.outcome).toBe('warn');
      expect(seenByRep1.candidates).toEqual(
        expect.arrayContaining([
          { object: 'lead', visible: false, exists: true, ownerDepartment: 'North-1', rule: expect.objectContaining({ action: 'warn' }) },
          { object: 'customer', visible: false, exists: true, ownerDepartment: null, rule: expect.objectContaining({ action: 'warn' }) },
        ]),
      );
      expect(JSON.stringify(seenByRep1)).not.toContain(lead.id);
      expect(JSON.stringify(seenByRep1)).not.toContain(pooled.id);
      // The manager's subtree holds rep2: the lead is visible, the pooled customer still not.
      const seenByManager = await check(manager, 'lead', probe);
      expect(ids(seenByManager)).toEqual([lead.id]);
      // The administrator sees everything.
      expect(ids(await check(admin, 'lead', probe)).sort()).toEqual([lead.id, pooled.id].sort());
      // Another organisation: nothing.
      expect(await check(adminB, 'lead', { ...probe, phone: '0755-2666 8888' })).toEqual({ outcome: 'clear', candidates: [] });
    });
  });

  describe('enforcement on leads', () => {
    it('creates and flags a lead a warning rule matches, answering duplicateWarnings', async () => {
      const first = await createLead(rep1, { company: '武汉长江船舶重工有限公司' });
      expect(first.duplicateWarnings).toBeUndefined();
      const second = await createLead(rep1, { company: '长江船舶重工(武汉)有限公司', phone: '027-8888 1234' });
      expect(second.duplicateWarnings).toEqual([expect.objectContaining({ object: 'lead', id: first.id, visible: true, score: 1 })]);
      const flag = await call(rep1, 'GET', `/api/v1/leads/${second.id}/duplicate-warnings`);
      expect(flag.status).toBe(200);
      expect(flag.body).toEqual({ flaggedAt: expect.any(String), candidates: second.duplicateWarnings });
      // Read later by someone else: as their scope allows (the manager sees rep1's lead; rep2 may not see the flagged lead at all).
      expect((await call(manager, 'GET', `/api/v1/leads/${second.id}/duplicate-warnings`)).body.candidates).toEqual(second.duplicateWarnings);
      expect((await call(rep2, 'GET', `/api/v1/leads/${second.id}/duplicate-warnings`)).status).toBe(404);
      expect((await call(adminB, 'GET', `/api/v1/leads/${second.id}/duplicate-warnings`)).status).toBe(404);
      expect((await call(rep1, 'GET', `/api/v1/leads/${first.id}/duplicate-warnings`)).body).toEqual({ flaggedAt: null, candidates: [] });
      expect((await call(rep1, 'GET', `/api/v1/leads/${second.id}`)).status).toBe(200);
      // A change of fields no rule reads is not checked again; the lead never matches itself.
      const remarks = await call(rep1, 'PATCH', `/api/v1/leads/${second.id}`, { remarks: 'Met at the fair' });
      expect(remarks.status).toBe(200);
      expect(remarks.body.duplicateWarnings).toBeUndefined();
      const renamed = await call(rep1, 'PATCH', `/api/v1/leads/${second.id}`, { company: '武汉黄鹤楼酒业有限公司' });
      expect(renamed.body.duplicateWarnings).toBeUndefined();
      expect((await h.db.query("SELECT flagged, company_key FROM duplicate_index WHERE object = 'lead' AND record_id = $1", [second.id])).rows[0]).toEqual({ flagged: null, company_key: '武汉黄鹤楼酒业' });
      expect((await call(rep1, 'GET', `/api/v1/leads/${second.id}/duplicate-warnings`)).body).toEqual({ flaggedAt: null, candidates: [] });
      // Deleting takes it out of the checks (the index follows the lead's row).
      expect((await call(rep1, 'DELETE', `/api/v1/leads/${first.id}`)).status).toBe(204);
      expect(ids(await check(rep1, 'lead', { company: '武汉长江船舶重工有限公司' }))).toEqual([]);
    });

    it('refuses with 409 DUPLICATE.BLOCKED a lead a blocking rule matches, masking what the caller may not see, on create and on update', async () => {
      const rule = await call(admin, 'POST', '/api/v1/duplicate-rules', { object: 'lead', name: 'Same e-mail or mobile', combinations: [[{ field: 'email', mode: 'exact' }], [{ field: 'phone', mode: 'exact' }]], targets: ['lead', 'contact'], action: 'block' });
      expect(rule.status).toBe(201);
      try {
        const taken = await createLead(rep1, { company: '成都天府软件有限公司', email: 'zhang.min@tianfu.example.com' });
        const before = Number((await h.db.query('SELECT count(*) FROM leads WHERE tenant_id = $1', [tenantA])).rows[0].count);

        const refused = await call(rep2, 'POST', '/api/v1/leads', { company: '重庆山城物流有限公司', name: '张敏', email: 'Zhang.Min@TianFu.example.com' });
        expect(refused.status).toBe(409);
        expect(refused.type).toContain('application/problem+json');
        expect(refused.body).toMatchObject({ code: 'DUPLICATE.BLOCKED', outcome: 'block', status: 409 });
        expect(refused.body.candidates).toEqual([{ object: 'lead', visible: false, exists: true, ownerDepartment: 'North-1', rule: { id: rule.body.id, name: 'Same e-mail or mobile', action: 'block' } }]);
        expect(Number((await h.db.query('SELECT count(*) FROM leads WHERE tenant_id = $1', [tenantA])).rows[0].count)).toBe(before);

        // The owner is told which lead it is.
        const own = await call(rep1, 'POST', '/api/v1/leads', { company: '重庆山城物流有限公司', name: '张敏', email: 'zhang.min@tianfu.example.com' });
        expect(own.status).toBe(409);
        expect(own.body.candidates[0]).toMatchObject({ object: 'lead', visible: true, id: taken.id, name: '成都天府软件有限公司' });

        // Update into a duplicate: refused, and the lead stays as it was.
        const other = await createLead(rep2, { company: '重庆山城物流有限公司', email: 'wu.lei@shancheng.example.com' });
        const update = await call(rep2, 'PATCH', `/api/v1/leads/${other.id}`, { email: 'zhang.min@tianfu.example.com' });
        expect(update.status).toBe(409);
        expect(update.body.code).toBe('DUPLICATE.BLOCKED');
        expect((await call(rep2, 'GET', `/api/v1/leads/${other.id}`)).body.email).toBe('wu.lei@shancheng.example.com');

        // A contact in sales blocks too (cross-object), and the check says so without writing.
        const c = customer({ name: '西安秦岭重工有限公司' });
        await asSales(CustomerCreated, c, 'customer');
        await asSales(ContactCreated, contact({ customerId: c.id, ownerId: admin.id, name: '赵强', phones: ['029-8765 4321'] }), 'contact');
        const viaContact = await call(rep1, 'POST', '/api/v1/leads', { company: '兰州黄河机电有限公司', name: '赵强', phone: '+86 29 8765 4321' });
        expect(viaContact.status).toBe(409);
        expect(viaContact.body.candidates).toEqual([expect.objectContaining({ object: 'contact', visible: false, ownerDepartment: 'South' })]);
        expect((await check(rep1, 'lead', { company: '兰州黄河机电有限公司', phone: '029-87654321' })).outcome).toBe('block');
      } finally {
        expect((await call(admin, 'DELETE', `/api/v1/duplicate-rules/${rule.body.id}`)).status).toBe(204);
      }
    });

    it('indexes leads written in bulk (imports) so that later checks find them', async () => {
      const at = new Date();
      const leads = ['青岛啤酒股份有限公司', '青岛海尔智家股份有限公司', '青岛港国际股份有限公司'].map((company, i) => ({
        id: randomUUID(), tenantId: tenantA, company, name: '孙丽', phone: `0532-8000 000${i}`, email: null, ownerId: rep1.id, updatedAt: at, deletedAt: null,
      }));
      await h.app.get(DataSource).transaction((m) => indexLeads(m, leads));
      expect(ids(await check(rep1, 'lead', { company: '啤酒(青岛)有限公司' }))).toEqual([leads[0].id]);
      expect(ids(await check(rep1, 'lead', { company: '上海啤酒有限公司' }))).toEqual([]);
      expect(ids(await check(rep1, 'lead', { company: '别的', phone: '+86 532 8000 0002' }))).toEqual([leads[2].id]);
      expect(Number((await h.db.query('SELECT count(*) FROM duplicate_phone_keys WHERE record_id = ANY($1)', [leads.map((l) => l.id)])).rows[0].count)).toBe(3);
    });

    it('lets only one of two concurrent leads with one blocked key in', async () => {
      const rule = await call(admin, 'POST', '/api/v1/duplicate-rules', { object: 'lead', name: 'Same phone blocks', combinations: [[{ field: 'phone', mode: 'exact' }]], targets: ['lead'], action: 'block' });
      try {
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => call(rep1, 'POST', '/api/v1/leads', { company: `并发测试公司${'甲乙丙丁戊己'[i]}`, name: '钱多', phone: `0431-8${i % 2 ? '-' : ''}5551234` })),
        );
        expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      } finally {
        await call(admin, 'DELETE', `/api/v1/duplicate-rules/${rule.body.id}`);
      }
    });
  });
});
