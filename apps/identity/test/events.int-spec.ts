import { randomBytes } from 'node:crypto';
import { Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { CloudEvent } from '@crm/contracts';
import { RunningIdentity, bootIdentity, call, tenantWithAdmin } from './support';

interface Received {
  topic: string;
  message: KafkaMessage;
  event: CloudEvent<Record<string, unknown>>;
}

describe('identity: integration events through the outbox', () => {
  let identity: RunningIdentity;
  let consumer: Consumer;
  const received: Received[] = [];

  beforeAll(async () => {
    identity = await bootIdentity({ label: 'identity_events' });
    const kafka = new Kafka({ clientId: 'identity-events-test', brokers: identity.kafkaBrokers, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: `identity-events-test-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['identity.department.v1', 'identity.user.v1', 'identity.tenant.v1'], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        received.push({ topic, message, event: JSON.parse(message.value!.toString()) });
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await identity?.app.close();
  });

  async function waitFor(predicate: (r: Received) => boolean, timeoutMs = 20_000): Promise<Received> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = received.find(predicate);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`no matching event in ${timeoutMs} ms; got ${received.map((r) => r.event.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  function expectEnvelope(r: Received, type: string, topic: string, tenantId: string, subject: string) {
    expect(r.topic).toBe(topic);
    expect(r.message.key!.toString()).toBe(subject);
    expect(r.event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: '/crm/identity',
      type,
      subject,
      time: expect.any(String),
      datacontenttype: 'application/json',
      dataschema: `urn:crm:event:${type}:v1`,
      tenantid: tenantId,
      data: expect.objectContaining({ id: subject, tenantId }),
    });
    expect(Number.isNaN(Date.parse(r.event.time))).toBe(false);
    expect(r.message.headers?.traceparent?.toString()).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
  }

  it('publishes tenant, root department and admin events when a tenant is provisioned', async () => {
    const t = await tenantWithAdmin(identity, 'events-a');
    const tenant = await waitFor((r) => r.event.type === 'crm.identity.tenant.created' && r.event.subject === t.tenant.id);
    expect(tenant.topic).toBe('identity.tenant.v1');
    expect(tenant.event.data).toEqual({ id: t.tenant.id, code: 'events-a', name: 'Tenant events-a' });
    const admin = await waitFor((r) => r.event.type === 'crm.identity.user.created' && r.event.subject === t.admin.id);
    expect(admin.event.data).toMatchObject({ username: 'admin', roleCodes: ['admin'] });
  });

  it('puts department.created and user.created CloudEvents on their topics, keyed by aggregate id, carrying the request trace', async () => {
    const t = await tenantWithAdmin(identity, 'events-b');
    const rootId = (await call(identity.url, 'GET', '/api/v1/me', { token: t.token })).body.departmentId;
    const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const dept = await call(identity.url, 'POST', '/api/v1/departments', { token: t.token, body: { name: 'Events', parentId: rootId }, headers: { traceparent } });
    expect(dept.status).toBe(201);
    const user = await call(identity.url, 'POST', '/api/v1/users', {
      token: t.token,
      body: { username: 'evt.user', password: 'password-123', name: 'Evt User', email: 'evt@example.com', departmentId: dept.body.id, roleIds: [] },
    });
    expect(user.status).toBe(201);

    const d = await waitFor((r) => r.event.type === 'crm.identity.department.created' && r.event.subject === dept.body.id);
    expectEnvelope(d, 'crm.identity.department.created', 'identity.department.v1', t.tenant.id, dept.body.id);
    expect(d.event.data).toEqual({ id: dept.body.id, tenantId: t.tenant.id, name: 'Events', parentId: rootId, managerId: null, path: `/${rootId}/${dept.body.id}/` });
    expect(d.message.headers!.traceparent!.toString()).toBe(traceparent);

    const u = await waitFor((r) => r.event.type === 'crm.identity.user.created' && r.event.subject === user.body.id);
    expectEnvelope(u, 'crm.identity.user.created', 'identity.user.v1', t.tenant.id, user.body.id);
    expect(u.event.data).toEqual({
      id: user.body.id,
      tenantId: t.tenant.id,
      username: 'evt.user',
      name: 'Evt User',
      phone: null,
      email: 'evt@example.com',
      departmentId: dept.body.id,
      superiorId: null,
      status: 'active',
      roleCodes: [],
    });
    expect(JSON.stringify(u.event)).not.toMatch(/password|argon/i);
  });

  it('publishes an updated event for every department of a moved subtree, and user.updated on change', async () => {
    const t = await tenantWithAdmin(identity, 'events-c');
    const rootId = (await call(identity.url, 'GET', '/api/v1/me', { token: t.token })).body.departmentId;
    const post = async (name: string, parentId: string) => (await call(identity.url, 'POST', '/api/v1/departments', { token: t.token, body: { name, parentId } })).body;
    const a = await post('A', rootId);
    const b = await post('B', a.id);
    const c = await post('C', b.id);
    const target = await post('Target', rootId);
    expect((await call(identity.url, 'PATCH', `/api/v1/departments/${a.id}`, { token: t.token, body: { parentId: target.id } })).status).toBe(200);
    for (const d of [a, b, c]) {
      const ev = await waitFor((r) => r.event.type === 'crm.identity.department.updated' && r.event.subject === d.id);
      expect((ev.event.data as { path: string }).path.startsWith(`/${rootId}/${target.id}/${a.id}/`)).toBe(true);
    }
    expect(received.some((r) => r.event.type === 'crm.identity.department.updated' && r.event.subject === target.id)).toBe(false);

    const patched = await call(identity.url, 'PATCH', `/api/v1/users/${t.admin.id}`, { token: t.token, body: { name: 'Chief' } });
    expect(patched.status).toBe(200);
    const upd = await waitFor((r) => r.event.type === 'crm.identity.user.updated' && r.event.subject === t.admin.id);
    expect(upd.event.data).toMatchObject({ name: 'Chief', roleCodes: ['admin'] });

    expect((await call(identity.url, 'DELETE', `/api/v1/departments/${c.id}`, { token: t.token })).status).toBe(204);
    const del = await waitFor((r) => r.event.type === 'crm.identity.department.deleted' && r.event.subject === c.id);
    expect(del.event.data).toEqual({ id: c.id, tenantId: t.tenant.id });
  });

  it('publishes nothing for a change that failed', async () => {
    const t = await tenantWithAdmin(identity, 'events-d');
    const rootId = (await call(identity.url, 'GET', '/api/v1/me', { token: t.token })).body.departmentId;
    const dup = await call(identity.url, 'POST', '/api/v1/users', { token: t.token, body: { username: 'admin', password: 'password-123', name: 'Dup', departmentId: rootId, roleIds: [] } });
    expect(dup.status).toBe(409);
    const marker = await call(identity.url, 'POST', '/api/v1/departments', { token: t.token, body: { name: 'After', parentId: rootId } });
    await waitFor((r) => r.event.subject === marker.body.id);
    const users = received.filter((r) => r.event.type === 'crm.identity.user.created' && r.event.tenantid === t.tenant.id);
    expect(users.map((r) => (r.event.data as { name: string }).name)).toEqual(['Administrator']);
  });
});
