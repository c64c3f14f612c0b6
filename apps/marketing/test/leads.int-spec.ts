import { randomUUID } from 'node:crypto';
import { EventDefinition, LeadConversionCompleted, LeadConversionFailed, LeadConversionRequested, LeadCreated, UserData } from '@crm/contracts';
import { publishInTransaction } from '@crm/messaging';
import { MarketingHarness, eventually, startMarketingHarness } from './support';

/**
 * Leads on the marketing harness (see ./support.ts for the organisation). Sales is not running
 * here: its answers to conversion requests are published as sales would publish them; the whole
 * conversation is tests/lead-conversion.int-spec.ts.
 */
describe('marketing: leads, status rules, follow-ups and the marketing side of conversion', () => {
  let h: MarketingHarness;
  let tenantA: string;
  let rep1: UserData, rep2: UserData, manager: UserData, admin: UserData, adminB: UserData;
  const call = (as: UserData, method: string, path: string, body?: unknown) => h.call(as, method, path, body);
  let counter = 0;
  const createLead = async (as: UserData, extra: Record<string, unknown> = {}) => {
    const res = await call(as, 'POST', '/api/v1/leads', { company: `Haitian Plastics ${++counter}`, name: 'Chen Jie', ...extra });
    expect(res.status).toBe(201);
    return res.body;
  };
  const listedIds = async (as: UserData, query = 'pageSize=200') => ((await call(as, 'GET', `/api/v1/leads?${query}`)).body.items as { id: string }[]).map((l) => l.id);
  /** The events of a topic about one aggregate, parsed, once `count` of them (of `type`, when given) are there. */
  const eventsOf = async (topic: string, subject: string, count = 1, type?: string) => {
    const mine = (msgs: { key: Buffer | null; value: Buffer | null }[]) =>
      msgs.map((m) => JSON.parse(String(m.value))).filter((e) => e.subject === subject && (!type || e.type === type));
    return mine(await h.identity.readTopic(topic, (msgs) => mine(msgs).length >= count));
  };
  /** Publishes an answer as sales publishes it (sales does not run here). */
  const answerAsSales = <T extends { leadId: string }>(def: EventDefinition<T>, data: T) =>
    h.identity.dataSource.transaction((m) => publishInTransaction(m, def, { tenantId: tenantA, subject: data.leadId, data }));

  beforeAll(async () => {
    h = await startMarketingHarness('marketing_leads');
    ({ tenantA } = h);
    ({ rep1, rep2, manager, admin, adminB } = h.users);
  }, 90_000);

  afterAll(() => h?.stop());

  it('creates a lead numbered XS-YYYYMMDD-NNNN, new, owned by the caller, with crm.marketing.lead.created and an audit entry', async () => {
    const lead = await createLead(rep1, { phone: '0574-8888', email: 'chen@haitian.example.com', source: 'Canton Fair', industry: 'plastics', tags: ['fair'] });
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    expect(lead.code).toMatch(new RegExp(`^XS-${today}-\\d{4}$`));
    expect(lead).toMatchObject({ status: 'new', ownerId: rep1.id, poolId: null, tenantId: tenantA, createdBy: rep1.id, source: 'Canton Fair', tags: ['fair'], conversion: null, deletedAt: null });
    const next = await createLead(rep1);
    expect(Number(next.code.slice(-4))).toBe(Number(lead.code.slice(-4)) + 1);

    const [created] = await eventsOf(LeadCreated.topic, lead.id);
    expect(created).toMatchObject({ type: 'crm.marketing.lead.created', source: '/crm/marketing', tenantid: tenantA });
    const { conversion: _, ...data } = lead;
    expect(created.data).toEqual(data);
    expect(Object.keys(created.data).sort()).toEqual(Object.keys(LeadCreated.example).sort());
    const [entry] = await eventsOf('marketing.audit.v1', lead.id);
    expect(entry.data).toMatchObject({ service: 'marketing', objectType: 'lead', objectId: lead.id, action: 'create', actorId: rep1.id });
    expect(entry.data.changes).toEqual(expect.arrayContaining([{ field: 'company', before: null, after: lead.company }]));
  });

  it('scopes lists and reads by the lead rules: reps their own, the manager the subtree, the admin all, another tenant nothing', async () => {
    const mine = await createLead(rep1, { company: 'Scope Alpha Co' });
    const colleagues = await createLead(rep2, { company: 'Scope Beta Co', phone: '139 0000 1111' });
    const admins = await createLead(admin);

    const rep1List = await listedIds(rep1);
    expect(rep1List).toContain(mine.id);
    expect(rep1List).not.toContain(colleagues.id);
    expect((await call(rep1, 'GET', `/api/v1/leads/${colleagues.id}`)).status).toBe(404);
    const hidden = await call(rep1, 'PATCH', `/api/v1/leads/${colleagues.id}`, { remarks: 'mine?' });
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('LEAD.NOT_FOUND');

    const managerList = await listedIds(manager);
    expect(managerList).toEqual(expect.arrayContaining([mine.id, colleagues.id]));
    expect(managerList).not.toContain(admins.id);
    expect((await call(manager, 'PATCH', `/api/v1/leads/${colleagues.id}`, { region: 'Zhejiang' })).status).toBe(200);
    expect(await listedIds(admin)).toEqual(expect.arrayContaining([mine.id, colleagues.id, admins.id]));

    expect(await listedIds(adminB)).not.toContain(mine.id);
    expect((await call(adminB, 'GET', `/api/v1/leads/${mine.id}`)).status).toBe(404);
    expect((await call(adminB, 'DELETE', `/api/v1/leads/${mine.id}`)).status).toBe(404);

    // Filters: status, owner, text on company/name/phone/email/code; sort.
    expect(await listedIds(manager, `q=${encodeURIComponent('scope beta')}`)).toEqual([colleagues.id]);
    expect(await listedIds(manager, 'q=0000%201111')).toEqual([colleagues.id]);
    expect(await listedIds(manager, `q=${mine.code}`)).toEqual([mine.id]);
    expect(await listedIds(manager, `ownerId=${rep2.id}&q=scope`)).toEqual([colleagues.id]);
    expect(await listedIds(manager, 'q=scope&sort=-company')).toEqual([colleagues.id, mine.id]);
    expect(await listedIds(manager, 'q=scope&status=invalid')).toEqual([]);
    expect(await listedIds(manager, 'ownerId=not-a-uuid')).toEqual([]);
  });

  it('answers 403 AUTH.FORBIDDEN to every change of a lead the caller may view but not edit', async () => {
    const lead = await createLead(rep2);
    await h.db.query(
      "INSERT INTO record_shares (id, tenant_id, object, record_id, user_id, access, created_by) VALUES ($1, $2, 'lead', $3, $4, 'read', $5)",
      [randomUUID(), tenantA, lead.id, rep1.id, rep2.id],
    );
    expect((await call(rep1, 'GET', `/api/v1/leads/${lead.id}`)).status).toBe(200);
    expect((await call(rep1, 'GET', `/api/v1/leads/${lead.id}/follow-ups`)).status).toBe(200);
    for (const [method, path, body] of [
      ['PATCH', '', { remarks: 'x' }],
      ['PUT', '/status', { status: 'invalid' }],
      ['POST', '/follow-ups', { type: 'call', content: 'x' }],
      ['POST', '/convert', {}],
      ['DELETE', '', undefined],
    ] as const) {
      const res = await call(rep1, method, `/api/v1/leads/${lead.id}${path}`, body);
      expect({ method, path, status: res.status, code: res.body?.code }).toEqual({ method, path, status: 403, code: 'AUTH.FORBIDDEN' });
    }
    expect((await call(rep2, 'GET', `/api/v1/leads/${lead.id}`)).body).toMatchObject({ status: 'new', remarks: null, conversion: null });
  });

  it('moves a lead new → following on its first follow-up, lists follow-ups latest first, and keeps an invalid lead invalid', async () => {
    const lead = await createLead(rep1);
    const first = await call(rep1, 'POST', `/api/v1/leads/${lead.id}/follow-ups`, { type: 'call', content: 'Wants a catalogue', time: '2025-03-28T08:00:00.000Z' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ leadId: lead.id, ownerId: rep1.id, type: 'call', time: '2025-03-28T08:00:00.000Z' });
    const after = (await call(rep1, 'GET', `/api/v1/leads/${lead.id}`)).body;
    expect(after).toMatchObject({ status: 'following', lastFollowUpAt: '2025-03-28T08:00:00.000Z' });
    const second = await call(rep1, 'POST', `/api/v1/leads/${lead.id}/follow-ups`, { type: 'visit', content: 'Visited the plant' });
    expect(second.status).toBe(201);
    const list = await call(rep1, 'GET', `/api/v1/leads/${lead.id}/follow-ups`);
    expect(list.body.map((f: { id: string }) => f.id)).toEqual([second.body.id, first.body.id]);
    expect((await call(rep1, 'GET', `/api/v1/leads/${lead.id}`)).body.lastFollowUpAt).toBe(second.body.time);

    const updates = await eventsOf(LeadCreated.topic, lead.id, 3);
    expect(updates.map((e) => e.type)).toEqual(['crm.marketing.lead.created', 'crm.marketing.lead.updated', 'crm.marketing.lead.updated']);
    expect(updates[1].data.status).toBe('following');
    const audits = await eventsOf('marketing.audit.v1', first.body.id);
    expect(audits[0].data).toMatchObject({ objectType: 'lead-follow-up', action: 'create', actorId: rep1.id });

    const invalid = await createLead(rep1);
    expect((await call(rep1, 'PUT', `/api/v1/leads/${invalid.id}/status`, { status: 'invalid' })).body.status).toBe('invalid');
    expect((await call(rep1, 'POST', `/api/v1/leads/${invalid.id}/follow-ups`, { type: 'message', content: 'Still no' })).status).toBe(201);
    expect((await call(rep1, 'GET', `/api/v1/leads/${invalid.id}`)).body.status).toBe('invalid');
  });

  it('applies the status rules: new → invalid → following (reopened), never back to new nor converted by hand', async () => {
    const lead = await createLead(rep1);
    const invalid = await call(rep1, 'PUT', `/api/v1/leads/${lead.id}/status`, { status: 'invalid' });
    expect(invalid.status).toBe(200);
    expect(invalid.body.status).toBe('invalid');
    const reopened = await call(rep1, 'PUT', `/api/v1/leads/${lead.id}/status`, { status: 'following' });
    expect(reopened.body.status).toBe('following');
    for (const status of ['new', 'converted', 'bogus']) {
      const res = await call(rep1, 'PUT', `/api/v1/leads/${lead.id}/status`, { status });
      expect({ status, code: res.status }).toEqual({ status, code: 400 });
    }
    const invalidAgain = await call(rep1, 'PUT', `/api/v1/leads/${lead.id}/status`, { status: 'invalid' });
    expect(invalidAgain.body.status).toBe('invalid');
    const notConvertible = await call(rep1, 'POST', `/api/v1/leads/${lead.id}/convert`, {});
    expect(notConvertible.status).toBe(409);
    expect(notConvertible.body.code).toBe('LEAD.NOT_CONVERTIBLE');
    const audit = await eventsOf('marketing.audit.v1', lead.id, 4);
    expect(audit.filter((e) => e.data.action === 'update').map((e) => e.data.changes.find((c: { field: string }) => c.field === 'status'))).toEqual([
      { field: 'status', before: 'new', after: 'invalid' },
      { field: 'status', before: 'invalid', after: 'following' },
      { field: 'status', before: 'following', after: 'invalid' },
    ]);
  });

  it('converts: 202 pending with the request published, the same conversion while pending, converted and linked on sales\u2019 answer (once), then 409', async () => {
    const lead = await createLead(rep1, { phone: '0574-1234', email: 'buyer@haitian.example.com', source: 'exhibition', remarks: 'Hot' });
    const asked = await call(rep1, 'POST', `/api/v1/leads/${lead.id}/convert`, { contact: { title: 'Buyer' }, customer: { region: 'Ningbo' } });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ leadId: lead.id, status: 'pending', requestedBy: rep1.id, customerId: null, contactId: null, createOpportunity: false });
    const again = await call(rep1, 'POST', `/api/v1/leads/${lead.id}/convert`, { createOpportunity: true });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(asked.body.id);
    expect((await call(rep1, 'GET', `/api/v1/leads/${lead.id}`)).body.conversion).toMatchObject({ id: asked.body.id, status: 'pending' });

    const [request] = await eventsOf(LeadConversionRequested.topic, lead.id, 1, LeadConversionRequested.type);
    expect(request).toMatchObject({ source: '/crm/marketing', tenantid: tenantA });
    expect(request.data).toMatchObject({
      conversionId: asked.body.id,
      leadId: lead.id,
      leadCode: lead.code,
      tenantId: tenantA,
      actor: { userId: rep1.id },
      customer: { name: lead.company, phone: '0574-1234', email: 'buyer@haitian.example.com', source: 'exhibition', region: 'Ningbo', remarks: 'Hot' },
      contact: { name: 'Chen Jie', title: 'Buyer', phones: ['0574-1234'], email: 'buyer@haitian.example.com' },
      createOpportunity: false,
    });

    for (const [method, path, body] of [['PATCH', '', { remarks: 'x' }], ['PUT', '/status', { status: 'invalid' }], ['POST', '/follow-ups', { type: 'call', content: 'x' }], ['DELETE', '', undefined]] as const) {
      const res = await call(rep1, method, `/api/v1/leads/${lead.id}${path}`, body);
      expect({ method, path, status: res.status, code: res.body?.code }).toEqual({ method, path, status: 409, code: 'LEAD.CONVERSION_PENDING' });
    }

    const answer = { conversionId: asked.body.id, leadId: lead.id, tenantId: tenantA, customerId: randomUUID(), contactId: randomUUID(), opportunityId: null, notes: [] };
    await answerAsSales(LeadConversionCompleted, answer);
    const converted = await eventually(
      async () => {
        const l = (await call(rep1, 'GET', `/api/v1/leads/${lead.id}`)).body;
        return l.status === 'converted' ? l : undefined;
      },
      15_000,
      'the lead converted',
    );
    expect(converted).toMatchObject({ customerId: answer.customerId, contactId: answer.contactId, convertedAt: expect.any(String), updatedBy: rep1.id });
    expect(converted.conversion).toMatchObject({ id: asked.body.id, status: 'completed', customerId: answer.customerId, contactId: answer.contactId, finishedAt: expect.any(String) });

    // The same answer again, under a new event id: nothing changes.
    await answerAsSales(LeadConversionCompleted, { ...answer, customerId: randomUUID() });
    await eventsOf(LeadConversionCompleted.topic, lead.id, 2);
    await new Promise((r) => setTimeout(r, 500));
    expect((await call(rep1, 'GET', `/api/v1/leads/${lead.id}`)).body).toEqual(converted);

    const twice = await call(rep1, 'POST', `/api/v1/leads/${lead.id}/convert`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('LEAD.ALREADY_CONVERTED');
    for (const [method, path, body] of [['PATCH', '', { remarks: 'x' }], ['PUT', '/status', { status: 'following' }], ['DELETE', '', undefined]] as const) {
      expect((await call(rep1, method, `/api/v1/leads/${lead.id}${path}`, body)).body.code).toBe('LEAD.ALREADY_CONVERTED');
    }
    const updates = await eventsOf(LeadCreated.topic, lead.id, 2);
    expect(updates.filter((e) => e.type === 'crm.marketing.lead.updated' && e.data.status === 'converted')).toHaveLength(1);
    expect(await listedIds(rep1, 'status=converted')).toContain(lead.id);
  });

  it('shows a failed conversion with its reason, and lets the lead be converted again', async () => {
    const lead = await createLead(rep1);
    const asked = (await call(rep1, 'POST', `/api/v1/leads/${lead.id}/convert`, {})).body;
    await answerAsSales(LeadConversionFailed, { conversionId: asked.id, leadId: lead.id, tenantId: tenantA, code: 'REQUEST.INVALID', reason: 'name: too long' });
    const failed = await eventually(
      async () => {
        const c = (await call(rep1, 'GET', `/api/v1/leads/${lead.id}`)).body.conversion;
        return c?.status === 'failed' ? c : undefined;
      },
      15_000,
      'the conversion failed',
    );
    expect(failed).toMatchObject({ id: asked.id, failure: { code: 'REQUEST.INVALID', reason: 'name: too long' } });
    expect((await call(rep1, 'GET', `/api/v1/leads/${lead.id}`)).body.status).toBe('new');
    const retry = await call(rep1, 'POST', `/api/v1/leads/${lead.id}/convert`, {});
    expect(retry.status).toBe(202);
    expect(retry.body.id).not.toBe(asked.id);
  });

  it('soft-deletes a lead: gone from reads and lists, with crm.marketing.lead.deleted and an audit entry', async () => {
    const lead = await createLead(rep1);
    expect((await call(rep1, 'DELETE', `/api/v1/leads/${lead.id}`)).status).toBe(204);
    expect((await call(rep1, 'GET', `/api/v1/leads/${lead.id}`)).status).toBe(404);
    expect((await call(rep1, 'DELETE', `/api/v1/leads/${lead.id}`)).status).toBe(404);
    expect(await listedIds(admin)).not.toContain(lead.id);
    const events = await eventsOf(LeadCreated.topic, lead.id, 2);
    expect(events[1]).toMatchObject({ type: 'crm.marketing.lead.deleted', data: { deletedAt: expect.any(String) } });
    const audits = await eventsOf('marketing.audit.v1', lead.id, 2);
    expect(audits[1].data).toMatchObject({ action: 'delete', actorId: rep1.id });
    const row = await h.db.query('SELECT deleted_at FROM leads WHERE id = $1', [lead.id]);
    expect(row.rows[0].deleted_at).not.toBeNull();
  });

  it('answers bad input with 400 (never 500) and refuses mass assignment', async () => {
    const lead = await createLead(rep1);
    const bad: [string, string, unknown][] = [
      ['POST', '/api/v1/leads', {}],
      ['POST', '/api/v1/leads', { company: '', name: 'x' }],
      ['POST', '/api/v1/leads', { company: 'x' }],
      ['POST', '/api/v1/leads', { company: 'x', name: 'y', email: 'not-an-email' }],
      ['POST', '/api/v1/leads', { company: 'x', name: 'y', tags: 'one' }],
      ['POST', '/api/v1/leads', { company: 'x'.repeat(201), name: 'y' }],
      ['POST', '/api/v1/leads', [{ company: 'x', name: 'y' }]],
      ['POST', '/api/v1/leads', 'null'],
      ['POST', '/api/v1/leads', '{"company": '],
      ['PATCH', `/api/v1/leads/${lead.id}`, { company: null }],
      ['PATCH', `/api/v1/leads/${lead.id}`, { tags: [1] }],
      ['POST', `/api/v1/leads/${lead.id}/follow-ups`, { type: 'fax', content: 'x' }],
      ['POST', `/api/v1/leads/${lead.id}/follow-ups`, { type: 'call', content: 'x', time: 'yesterday' }],
      ['POST', `/api/v1/leads/${lead.id}/convert`, { customer: 'x' }],
      ['POST', `/api/v1/leads/${lead.id}/convert`, { customer: { name: '' } }],
      ['POST', `/api/v1/leads/${lead.id}/convert`, { contact: { phones: 'x' } }],
      ['POST', `/api/v1/leads/${lead.id}/convert`, { createOpportunity: 'yes' }],
      ['GET', '/api/v1/leads?status=won', undefined],
      ['GET', '/api/v1/leads?sort=secret', undefined],
      ['GET', '/api/v1/leads?pageSize=1000', undefined],
    ];
    for (const [method, path, body] of bad) {
      const res = typeof body === 'string' ? await rawCall(method, path, body) : await call(rep1, method, path, body);
      expect({ method, path, body, status: res.status }).toEqual({ method, path, body, status: 400 });
    }
    for (const field of ['id', 'code', 'status', 'ownerId', 'poolId', 'tenantId', 'customerId', 'createdBy', 'zzz']) {
      for (const [method, path] of [['POST', '/api/v1/leads'], ['PATCH', `/api/v1/leads/${lead.id}`]]) {
        const res = await call(rep1, method, path, { company: 'Evil', name: 'Evil', [field]: rep2.id });
        expect({ field, method, status: res.status }).toEqual({ field, method, status: 400 });
        expect(JSON.stringify(res.body.errors)).toContain(field);
      }
    }
    const nested = await call(rep1, 'POST', `/api/v1/leads/${lead.id}/convert`, { customer: { ownerId: rep2.id } });
    expect(nested.status).toBe(400);
    expect(JSON.stringify(nested.body.errors)).toContain('customer.ownerId');
    expect((await call(rep1, 'GET', '/api/v1/leads/not-a-uuid')).status).toBe(404);
    expect((await call(rep1, 'POST', '/api/v1/leads/not-a-uuid/convert', {})).status).toBe(404);
    expect((await call(rep1, 'GET', `/api/v1/leads/${lead.id}`)).body).toMatchObject({ company: lead.company, ownerId: rep1.id, status: 'new', conversion: null });
  });

  /** A request with a raw body (malformed JSON, a bare null). */
  async function rawCall(method: string, path: string, body: string) {
    const token = h.tokenOf(rep1);
    const res = await fetch(`${h.base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    return { status: res.status };
  }
});
