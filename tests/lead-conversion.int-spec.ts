/**
 * Lead conversion end to end through the gateway: marketing asks, sales creates the customer and
 * contact, marketing links the lead; the request replayed on the broker (the same CloudEvent, and
 * a copy under a new event id) creates nothing more; converting again is a 409.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { LeadConversionRequested } from '@crm/contracts';
import { Answer, RunningSystem, eventually, request, startSystem, waitUntilHealthy } from './support/system';

jest.setTimeout(120_000);

describe('lead conversion through the gateway', () => {
  let system: RunningSystem;
  let admin: string;
  let rep: { id: string; token: string };
  let sales: Client;
  let kafka: Kafka;
  const http = (method: string, path: string, token?: string, body?: unknown): Promise<Answer> => request(system.gateway, method, path, { token, body });

  /** Every message of a topic from the beginning, until `done` holds. */
  async function readTopic(topic: string, done: (seen: KafkaMessage[]) => boolean): Promise<KafkaMessage[]> {
    const consumer = kafka.consumer({ groupId: `lead-conversion-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const seen: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
      await eventually(`messages on ${topic}`, async () => (done(seen) ? true : undefined));
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  beforeAll(async () => {
    system = await startSystem({ label: 'lead_conversion' });
    expect((await waitUntilHealthy(system.gateway)).status).toBe(200);
    kafka = new Kafka({ clientId: 'lead-conversion-test', brokers: system.brokers, logLevel: logLevel.NOTHING });
    sales = new Client({ connectionString: system.databases.sales });
    await sales.connect();
    const login = async (username: string, password: string) => {
      const res = await http('POST', '/api/v1/auth/login', undefined, { tenant: 'demo', username, password });
      expect(res.status).toBe(200);
      return res.body.accessToken as string;
    };
    admin = await login('admin', system.adminPassword);
    const roles = await http('GET', '/api/v1/roles?code=account-manager', admin);
    const dept = await http('POST', '/api/v1/departments', admin, { name: 'Lead conversion' });
    const user = await http('POST', '/api/v1/users', admin, { username: 'converter', password: 'Password-123', name: 'Converter', departmentId: dept.body.id, roleIds: [roles.body.items[0].id] });
    expect(user.status).toBe(201);
    rep = { id: user.body.id, token: await login('converter', 'Password-123') };
    // Both services know the user (and the default data rules) once identity's events reach their projections.
    await eventually('the user in the sales projection', async () => ((await sales.query('SELECT 1 FROM org_users WHERE id = $1', [rep.id])).rowCount ? true : undefined));
  });

  afterAll(async () => {
    await sales?.end();
    await system?.stop();
  });

  it('turns a lead into a customer and contact visible in sales, links the lead, creates nothing twice on replay, and refuses a second conversion', async () => {
    const company = `Ningbo Haitian Plastics ${randomUUID().slice(0, 8)}`;
    const created = await http('POST', '/api/v1/leads', rep.token, {
      company,
      name: 'Chen Jie',
      phone: '+86 574 8888 0000',
      email: 'chen.jie@haitian.example.com',
      source: 'exhibition',
      industry: 'plastics',
      region: 'Zhejiang/Ningbo',
      tags: ['fair'],
    });
    expect(created.status).toBe(201);
    const lead = created.body;
    expect(lead).toMatchObject({ code: expect.stringMatching(/^XS-\d{8}-\d{4}$/), ownerId: rep.id, status: 'new' });
    expect((await http('POST', `/api/v1/leads/${lead.id}/follow-ups`, rep.token, { type: 'call', content: 'Wants 5 machines' })).status).toBe(201);
    expect((await http('GET', `/api/v1/leads/${lead.id}`, rep.token)).body.status).toBe('following');

    const asked = await http('POST', `/api/v1/leads/${lead.id}/convert`, rep.token, { contact: { title: 'Purchasing manager' } });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ leadId: lead.id, status: 'pending' });
    const pending = await http('POST', `/api/v1/leads/${lead.id}/convert`, rep.token, {});
    expect([200, 409]).toContain(pending.status); // 409 only if sales was already done: the conversion is quick
    if (pending.status === 200) expect(pending.body.id).toBe(asked.body.id);
    else expect(pending.body.code).toBe('LEAD.ALREADY_CONVERTED');

    const converted = await eventually('the lead converted', async () => {
      const l = (await http('GET', `/api/v1/leads/${lead.id}`, rep.token)).body;
      return l.status === 'converted' ? l : undefined;
    });
    expect(converted.conversion).toMatchObject({ id: asked.body.id, status: 'completed', customerId: converted.customerId, contactId: converted.contactId });
    expect(converted.conversion.notes).toEqual(["industry 'plastics' is not a code of its dictionary"]);

    const customer = await http('GET', `/api/v1/customers/${converted.customerId}`, rep.token);
    expect(customer.status).toBe(200);
    expect(customer.body).toMatchObject({
      name: company,
      code: expect.stringMatching(/^KH-\d{8}-\d{4}$/),
      ownerId: rep.id,
      createdBy: rep.id,
      phone: '+86 574 8888 0000',
      source: 'exhibition',
      industry: null,
      region: 'Zhejiang/Ningbo',
      tags: ['fair'],
      remarks: `From lead ${lead.code}: industry 'plastics' is not a code of its dictionary.`,
    });
    const contact = await http('GET', `/api/v1/contacts/${converted.contactId}`, rep.token);
    expect(contact.status).toBe(200);
    expect(contact.body).toMatchObject({ customerId: converted.customerId, ownerId: rep.id, name: 'Chen Jie', title: 'Purchasing manager', phones: ['+86 574 8888 0000'], email: 'chen.jie@haitian.example.com' });
    const listed = await http('GET', `/api/v1/customers?q=${encodeURIComponent(company)}`, admin);
    expect(listed.body.total).toBe(1);

    // The audit log has the customer's creation by the converting user.
    const audit = await eventually('the customer\u2019s audit entry', async () => {
      const res = await http('GET', `/api/v1/audit-logs?objectId=${converted.customerId}`, admin);
      return res.body.items?.length ? res.body.items : undefined;
    });
    expect(audit).toEqual([expect.objectContaining({ service: 'sales', action: 'create', actorId: rep.id })]);

    // Replay the request: the same CloudEvent, and a copy under a new event id (a duplicated publish).
    const requests = await readTopic(LeadConversionRequested.topic, (seen) => seen.some((m) => String(m.key) === lead.id && JSON.parse(String(m.value)).type === LeadConversionRequested.type));
    const original = requests.find((m) => String(m.key) === lead.id && JSON.parse(String(m.value)).type === LeadConversionRequested.type)!;
    const event = JSON.parse(String(original.value));
    const copy = { ...event, id: randomUUID() };
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: LeadConversionRequested.topic, acks: -1, messages: [{ key: lead.id, value: String(original.value) }, { key: lead.id, value: JSON.stringify(copy) }] });
    } finally {
      await producer.disconnect();
    }
    // Sales has handled the copy (its inbox holds the new event id): the original, before it on the partition, too.
    await eventually('the replayed request handled', async () =>
      (await sales.query("SELECT 1 FROM inbox WHERE event_id = $1 AND consumer = 'sales.lead-conversion'", [copy.id])).rowCount ? true : undefined,
    );
    expect((await sales.query('SELECT count(*)::int AS n FROM customers WHERE name = $1', [company])).rows[0].n).toBe(1);
    expect((await sales.query('SELECT count(*)::int AS n FROM contacts WHERE customer_id = $1', [converted.customerId])).rows[0].n).toBe(1);
    expect((await http('GET', `/api/v1/customers?q=${encodeURIComponent(company)}`, admin)).body.total).toBe(1);
    expect((await http('GET', `/api/v1/leads/${lead.id}`, rep.token)).body).toMatchObject({ status: 'converted', customerId: converted.customerId, contactId: converted.contactId });

    const again = await http('POST', `/api/v1/leads/${lead.id}/convert`, rep.token, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('LEAD.ALREADY_CONVERTED');
    expect((await http('PATCH', `/api/v1/leads/${lead.id}`, rep.token, { remarks: 'late edit' })).body.code).toBe('LEAD.ALREADY_CONVERTED');
  });
});
