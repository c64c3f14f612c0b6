import { randomUUID } from 'node:crypto';
import { CloudEvent, LeadConversionCompleted, LeadConversionRequested, LeadConversionRequestedData, UserData } from '@crm/contracts';
import { publishInTransaction } from '@crm/messaging';
import { SalesHarness, eventually, startSalesHarness } from './support';

/**
 * Sales' side of a lead conversion, with marketing's requests published as marketing publishes
 * them (the whole conversation through the gateway is tests/lead-conversion.int-spec.ts).
 */
describe('sales: customers and contacts from lead conversions', () => {
  let h: SalesHarness;
  let tenantA: string;
  let rep1: UserData;
  const call = (as: UserData, method: string, path: string, body?: unknown) => h.call(as, method, path, body);

  const request = (o: { customer?: Partial<LeadConversionRequestedData['customer']>; contact?: Partial<LeadConversionRequestedData['contact']> } = {}): LeadConversionRequestedData => ({
    conversionId: randomUUID(),
    leadId: randomUUID(),
    leadCode: 'XS-20250328-0007',
    tenantId: tenantA,
    actor: { userId: rep1.id, requestId: 'req-1', ip: '10.0.0.9' },
    customer: { name: `Converted Co ${randomUUID().slice(0, 8)}`, phone: '0574-1', email: 'a@b.example.com', source: null, region: 'Ningbo', industry: null, tags: ['fair'], remarks: null, ...o.customer },
    contact: { name: 'Chen Jie', title: 'Buyer', phones: ['139'], email: 'c@b.example.com', ...o.contact },
    createOpportunity: false,
  });
  const publish = (data: LeadConversionRequestedData): Promise<CloudEvent<LeadConversionRequestedData>> =>
    h.identity.dataSource.transaction((m) => publishInTransaction(m, LeadConversionRequested, { tenantId: data.tenantId, subject: data.leadId, data }));
  const answerTo = async (conversionId: string, count = 1) => {
    const answers = (await h.identity.readTopic(LeadConversionCompleted.topic, (msgs) => msgs.filter((m) => JSON.parse(String(m.value)).data.conversionId === conversionId).length >= count))
      .map((m) => JSON.parse(String(m.value)))
      .filter((e) => e.data.conversionId === conversionId);
    return answers;
  };
  const customersNamed = async (name: string) => (await h.db.query('SELECT * FROM customers WHERE tenant_id = $1 AND name = $2', [tenantA, name])).rows;

  beforeAll(async () => {
    h = await startSalesHarness('sales_lead_conversion');
    ({ tenantA } = h);
    ({ rep1 } = h.users);
  }, 90_000);

  afterAll(() => h?.stop());

  it('creates the customer (KH number, owned by the converting user) and its contact once, with their events, audit entries and the completed answer', async () => {
    const data = request({ customer: { source: 'exhibition', industry: 'manufacturing' } });
    await publish(data);
    const [answer] = await answerTo(data.conversionId);
    expect(answer).toMatchObject({ type: 'crm.sales.lead-conversion.completed', source: '/crm/sales', subject: data.leadId, tenantid: tenantA });
    expect(answer.data).toMatchObject({ conversionId: data.conversionId, leadId: data.leadId, tenantId: tenantA, opportunityId: null, notes: [] });

    const customer = (await call(rep1, 'GET', `/api/v1/customers/${answer.data.customerId}`)).body;
    expect(customer).toMatchObject({ name: data.customer.name, code: expect.stringMatching(/^KH-\d{8}-\d{4}$/), ownerId: rep1.id, createdBy: rep1.id, source: 'exhibition', industry: 'manufacturing', region: 'Ningbo', tags: ['fair'] });
    const contact = (await call(rep1, 'GET', `/api/v1/contacts/${answer.data.contactId}`)).body;
    expect(contact).toMatchObject({ customerId: customer.id, ownerId: rep1.id, name: 'Chen Jie', title: 'Buyer', phones: ['139'] });

    const audits = (await h.identity.readTopic('sales.audit.v1', (msgs) => msgs.filter((m) => [customer.id, contact.id].includes(String(m.key))).length >= 2))
      .map((m) => JSON.parse(String(m.value)))
      .filter((e) => [customer.id, contact.id].includes(e.subject));
    expect(audits.map((e) => [e.data.objectType, e.data.action, e.data.actorId, e.data.requestId, e.data.ip])).toEqual([
      ['customer', 'create', rep1.id, 'req-1', '10.0.0.9'],
      ['contact', 'create', rep1.id, 'req-1', '10.0.0.9'],
    ]);
  });

  it('creates nothing twice: the same CloudEvent redelivered, or the same conversion under a new event id', async () => {
    const data = request();
    const event = await publish(data);
    await answerTo(data.conversionId);
    await h.identity.sendRaw(LeadConversionRequested.topic, data.leadId, JSON.stringify(event));
    await publish(data);
    // A marker behind the replays on the same partition (same key): once it is answered, they were handled.
    const marker = { ...request(), leadId: data.leadId };
    await publish(marker);
    await answerTo(marker.conversionId);
    expect(await customersNamed(data.customer.name)).toHaveLength(1);
    expect(await answerTo(data.conversionId)).toHaveLength(1);
    const rows = await h.db.query('SELECT outcome FROM lead_conversions WHERE conversion_id = $1', [data.conversionId]);
    expect(rows.rows).toEqual([{ outcome: 'completed' }]);
  });

  it('keeps source and industry only when they are dictionary codes, noting the others in the remarks', async () => {
    const data = request({ customer: { source: 'Canton Fair', industry: 'manufacturing', remarks: 'Hot lead' } });
    await publish(data);
    const [answer] = await answerTo(data.conversionId);
    expect(answer.data.notes).toEqual(["source 'Canton Fair' is not a code of its dictionary"]);
    const customer = (await call(rep1, 'GET', `/api/v1/customers/${answer.data.customerId}`)).body;
    expect(customer).toMatchObject({ source: null, industry: 'manufacturing', remarks: `Hot lead\nFrom lead ${data.leadCode}: source 'Canton Fair' is not a code of its dictionary.` });
  });

  it('answers failed, creating nothing, when sales refuses the values', async () => {
    const data = request({ contact: { phones: ['1'] }, customer: { name: 'Refused Co' } });
    // A decision role that is no dictionary code: createContactRecord refuses it (the request never carries one, so force it).
    (data.contact as Record<string, unknown>).decisionRole = 'no-such-role';
    await publish(data);
    const failed = await eventually(
      async () => {
        const msgs = await h.identity.readTopic('sales.lead-conversion.v1', (m) => m.some((x) => JSON.parse(String(x.value)).data.conversionId === data.conversionId), 2000);
        return msgs.map((m) => JSON.parse(String(m.value))).find((e) => e.data.conversionId === data.conversionId);
      },
      20_000,
      'the failed answer',
    );
    expect(failed).toMatchObject({ type: 'crm.sales.lead-conversion.failed', data: { code: 'DICTIONARY.INVALID_CODE', reason: expect.stringContaining('decisionRole') } });
    expect(await customersNamed('Refused Co')).toHaveLength(0);
  });
});
