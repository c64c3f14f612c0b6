import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { BUSINESS_OBJECTS, CloudEvent, DATA_ACTIONS, DataRule, RoleDataRulesData } from '@crm/contracts';
import { newId } from '@crm/kernel';
import { typeormOptions } from '@crm/persistence';
import { createTestDatabase, testInfraFromEnv } from '@crm/testing';
import { IDENTITY_ENTITIES } from '../src/infrastructure/entities';
import { IDENTITY_MIGRATIONS } from '../src/migrations';
import { RunningIdentity, bootIdentity, call, login, tenantWithAdmin } from './support';

interface Received {
  message: KafkaMessage;
  event: CloudEvent<Record<string, unknown>>;
}

const scopeMap = (rules: DataRule[]) => Object.fromEntries(rules.map((r) => [`${r.object}.${r.action}`, r.scope]));
const ALL_COMBINATIONS = BUSINESS_OBJECTS.flatMap((o) => DATA_ACTIONS.map((a) => `${o}.${a}`));

describe('identity: data-scope rules of roles', () => {
  let identity: RunningIdentity;
  let consumer: Consumer;
  const received: Received[] = [];
  let a: Awaited<ReturnType<typeof tenantWithAdmin>>;
  let b: Awaited<ReturnType<typeof tenantWithAdmin>>;
  let rolesA: Record<string, string>;
  let rolesB: Record<string, string>;

  const as = (token: string) => ({
    get: (path: string) => call(identity.url, 'GET', path, { token }),
    put: (path: string, body: unknown, headers?: Record<string, string>) => call(identity.url, 'PUT', path, { token, body, headers }),
    post: (path: string, body: unknown) => call(identity.url, 'POST', path, { token, body }),
  });
  const rolesOf = async (token: string) =>
    Object.fromEntries((await as(token).get('/api/v1/roles')).body.items.map((r: { code: string; id: string }) => [r.code, r.id])) as Record<string, string>;

  async function waitFor(predicate: (r: Received) => boolean, timeoutMs = 20_000): Promise<Received> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = received.find(predicate);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`no matching event in ${timeoutMs} ms; got ${received.map((r) => r.event.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const rulesEvents = (roleId: string) => received.filter((r) => r.event.type === 'crm.identity.role.data-rules-changed' && r.event.subject === roleId);

  beforeAll(async () => {
    identity = await bootIdentity({ label: 'identity_rules' });
    const kafka = new Kafka({ clientId: 'identity-rules-test', brokers: identity.kafkaBrokers, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: `identity-rules-test-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['identity.role.v1'], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ message, event: JSON.parse(message.value!.toString()) });
      },
    });
    a = await tenantWithAdmin(identity, 'rules-a');
    b = await tenantWithAdmin(identity, 'rules-b');
    rolesA = await rolesOf(a.token);
    rolesB = await rolesOf(b.token);
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await identity?.app.close();
  });

  it('seeds every organisation\u2019s default roles with the manual\u2019s table', async () => {
    const get = async (code: string) => {
      const res = await as(a.token).get(`/api/v1/roles/${rolesA[code]}/data-rules`);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(39);
      expect(res.body.items.map((r: DataRule) => `${r.object}.${r.action}`)).toEqual(ALL_COMBINATIONS);
      return scopeMap(res.body.items);
    };
    expect(new Set(Object.values(await get('admin')))).toEqual(new Set(['ALL']));
    expect(new Set(Object.values(await get('dept-manager')))).toEqual(new Set(['DEPARTMENT_AND_SUBDEPARTMENTS']));

    const am = await get('account-manager');
    expect(am['customer.query']).toBe('DEPARTMENT');
    expect(am['contact.query']).toBe('SELF_AND_SUBORDINATES');
    expect(am['opportunity.query']).toBe('DEPARTMENT_AND_SUBDEPARTMENTS');
    expect(am['quotation.query']).toBe('DEPARTMENT_AND_SUBDEPARTMENTS');
    expect(am['quotation.view']).toBe('DEPARTMENT');
    expect(am['customer.view']).toBe('SELF');
    expect(am['customer.edit']).toBe('SELF');
    expect(am['quotation.edit']).toBe('SELF');
    expect(am['contact.view']).toBe('SELF');
    expect(am['work-report.query']).toBe('SELF');
    expect(Object.entries(am).filter(([, s]) => s !== 'SELF')).toHaveLength(5);
  });

  it('publishes role.created and the full rule set of each default role when an organisation is created', async () => {
    for (const [code, id] of Object.entries(rolesA)) {
      const created = await waitFor((r) => r.event.type === 'crm.identity.role.created' && r.event.subject === id);
      expect(created.event.data).toEqual({ id, tenantId: a.tenant.id, code, name: expect.any(String) });
      const rules = await waitFor((r) => r.event.type === 'crm.identity.role.data-rules-changed' && r.event.subject === id);
      expect(rules.message.key!.toString()).toBe(id);
      const data = rules.event.data as unknown as RoleDataRulesData;
      expect(data).toMatchObject({ roleId: id, tenantId: a.tenant.id, roleCode: code });
      expect(data.rules).toHaveLength(39);
      expect(data.rules).toEqual((await as(a.token).get(`/api/v1/roles/${id}/data-rules`)).body.items);
    }
  });

  it('starts a new role with SELF everywhere, and announces it', async () => {
    const role = await as(a.token).post('/api/v1/roles', { code: 'regional-director', name: 'Regional director' });
    expect(role.status).toBe(201);
    const rules = await as(a.token).get(`/api/v1/roles/${role.body.id}/data-rules`);
    expect(rules.body.items).toHaveLength(39);
    expect(new Set(rules.body.items.map((r: DataRule) => r.scope))).toEqual(new Set(['SELF']));
    const created = await waitFor((r) => r.event.type === 'crm.identity.role.created' && r.event.subject === role.body.id);
    expect(created.event).toMatchObject({ source: '/crm/identity', tenantid: a.tenant.id, dataschema: 'urn:crm:event:crm.identity.role.created:v1' });
    expect(created.event.data).toEqual({ id: role.body.id, tenantId: a.tenant.id, code: 'regional-director', name: 'Regional director' });
    const announced = await waitFor((r) => r.event.type === 'crm.identity.role.data-rules-changed' && r.event.subject === role.body.id);
    expect((announced.event.data as unknown as RoleDataRulesData).rules).toEqual(rules.body.items);
  });

  it('sets the given combinations, keeps the others, and publishes all 39 rules with the request\u2019s trace', async () => {
    const roleId = rolesA['account-manager'];
    const before = scopeMap((await as(a.token).get(`/api/v1/roles/${roleId}/data-rules`)).body.items);
    const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const res = await as(a.token).put(
      `/api/v1/roles/${roleId}/data-rules`,
      {
        items: [
          { object: 'lead', action: 'query', scope: 'DEPARTMENT' },
          { object: 'customer', action: 'edit', scope: 'SELF_AND_SUBORDINATES' },
        ],
      },
      { traceparent },
    );
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(39);
    const after = scopeMap(res.body.items);
    expect(after).toEqual({ ...before, 'lead.query': 'DEPARTMENT', 'customer.edit': 'SELF_AND_SUBORDINATES' });
    expect(scopeMap((await as(a.token).get(`/api/v1/roles/${roleId}/data-rules`)).body.items)).toEqual(after);

    const changed = await waitFor((r) => rulesEvents(roleId).length >= 2 && r === rulesEvents(roleId)[1]);
    expect(changed.event).toMatchObject({ type: 'crm.identity.role.data-rules-changed', tenantid: a.tenant.id, subject: roleId });
    expect(changed.message.headers!.traceparent!.toString()).toBe(traceparent);
    expect(changed.event.data).toEqual({ roleId, tenantId: a.tenant.id, roleCode: 'account-manager', rules: res.body.items });

    // Setting what is already set changes nothing and announces nothing.
    const same = await as(a.token).put(`/api/v1/roles/${roleId}/data-rules`, { items: [{ object: 'lead', action: 'query', scope: 'DEPARTMENT' }] });
    expect(same.status).toBe(200);
    const marker = await as(a.token).put(`/api/v1/roles/${rolesA['dept-manager']}/data-rules`, { items: [{ object: 'lead', action: 'edit', scope: 'SELF' }] });
    expect(marker.status).toBe(200);
    await waitFor((r) => rulesEvents(rolesA['dept-manager']).length >= 2 && r === rulesEvents(rolesA['dept-manager'])[1]);
    expect(rulesEvents(roleId)).toHaveLength(2);

    // Another tenant's account manager is untouched.
    expect(scopeMap((await as(b.token).get(`/api/v1/roles/${rolesB['account-manager']}/data-rules`)).body.items)['lead.query']).toBe('SELF');
  });

  it('refuses bad rules with 400s naming each field', async () => {
    const put = (body: unknown) => as(a.token).put(`/api/v1/roles/${rolesA['dept-manager']}/data-rules`, body);
    const fields = (res: { body: { errors?: { field: string }[] } }) => [...new Set((res.body.errors ?? []).map((e) => e.field))].sort();

    const bad = await put({
      items: [
        { object: 'customer', action: 'query', scope: 'EVERYONE' },
        { object: 'invoice', action: 'query', scope: 'ALL' },
        { object: 'lead', action: 'delete', scope: 'ALL' },
        { object: 'lead', action: 'view' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.code).toBe('REQUEST.INVALID');
    expect(fields(bad)).toEqual(['items[0].scope', 'items[1].object', 'items[2].action', 'items[3].scope']);

    const extra = await put({ items: [{ object: 'lead', action: 'view', scope: 'ALL', roleId: rolesA.admin }] });
    expect(extra.status).toBe(400);
    expect(fields(extra)).toEqual(['items[0].roleId']);

    for (const body of [{}, { items: [] }, { items: 'ALL' }, { items: [{ object: 'lead', action: 'view', scope: 'ALL' }], tenantId: b.tenant.id }]) {
      const res = await put(body);
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual([Object.keys(body).includes('tenantId') ? 'tenantId' : 'items']);
    }

    const repeated = await put({
      items: [
        { object: 'lead', action: 'view', scope: 'ALL' },
        { object: 'lead', action: 'query', scope: 'ALL' },
        { object: 'lead', action: 'view', scope: 'SELF' },
      ],
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.code).toBe('ROLE.DATA_RULE_REPEATED');
    expect(fields(repeated)).toEqual(['items[2]']);
    // Nothing of a refused request was applied.
    expect(scopeMap((await as(a.token).get(`/api/v1/roles/${rolesA['dept-manager']}/data-rules`)).body.items)['lead.view']).toBe('DEPARTMENT_AND_SUBDEPARTMENTS');
  });

  it('lets only administrators change rules, and answers 404 for other organisations\u2019 roles', async () => {
    const root = (await as(a.token).get('/api/v1/me')).body.departmentId;
    const user = await as(a.token).post('/api/v1/users', { username: 'rules.member', password: 'password-123', name: 'Member', departmentId: root, roleIds: [rolesA['account-manager']] });
    expect(user.status).toBe(201);
    const member = as((await login(identity.url, 'rules-a', 'rules.member', 'password-123')).accessToken);
    expect((await member.get(`/api/v1/roles/${rolesA['account-manager']}/data-rules`)).status).toBe(200);
    const denied = await member.put(`/api/v1/roles/${rolesA['account-manager']}/data-rules`, { items: [{ object: 'customer', action: 'query', scope: 'ALL' }] });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('AUTH.FORBIDDEN');

    for (const res of [
      await as(a.token).get(`/api/v1/roles/${rolesB.admin}/data-rules`),
      await as(a.token).put(`/api/v1/roles/${rolesB.admin}/data-rules`, { items: [{ object: 'customer', action: 'query', scope: 'SELF' }] }),
      await as(a.token).get('/api/v1/roles/not-a-uuid/data-rules'),
      await as(a.token).get(`/api/v1/roles/${newId()}/data-rules`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('ROLE.NOT_FOUND');
    }
    expect(scopeMap((await as(b.token).get(`/api/v1/roles/${rolesB.admin}/data-rules`)).body.items)['customer.query']).toBe('ALL');
  });
});

describe('identity: data rules for organisations that existed before them', () => {
  it('seeds the defaults for existing roles when migrating, and queues an event per role', async () => {
    const { postgresUrl } = testInfraFromEnv();
    const databaseUrl = await createTestDatabase(postgresUrl, 'identity_rules_migration');
    // The database as it was before the data-rules migration, with one organisation in it.
    const before = IDENTITY_MIGRATIONS.filter((m) => m.name !== 'DataRulesAndLoginLog1700000002000');
    const old = new DataSource({ ...typeormOptions({ url: databaseUrl, entities: IDENTITY_ENTITIES, migrations: before, poolSize: 1 }), migrationsRun: false });
    await old.initialize();
    const tenantId = newId();
    const roles = { admin: newId(), 'dept-manager': newId(), 'account-manager': newId(), auditor: newId() };
    await old.runMigrations({ transaction: 'each' });
    await old.query("INSERT INTO tenants (id, code, name) VALUES ($1, 'legacy', 'Legacy')", [tenantId]);
    for (const [code, id] of Object.entries(roles)) {
      await old.query('INSERT INTO roles (id, tenant_id, code, name, system) VALUES ($1, $2, $3, $3, $4)', [id, tenantId, code, code !== 'auditor']);
    }
    await old.destroy();

    const identity = await bootIdentity({ databaseUrl }); // migrates
    await identity.app.close();
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const scopes = async (roleId: string) =>
        Object.fromEntries(
          (await db.query('SELECT object, action, scope FROM role_data_rules WHERE tenant_id = $1 AND role_id = $2', [tenantId, roleId])).rows.map((r) => [`${r.object}.${r.action}`, r.scope]),
        );
      const am = await scopes(roles['account-manager']);
      expect(Object.keys(am)).toHaveLength(39);
      expect(Object.fromEntries(Object.entries(am).filter(([, s]) => s !== 'SELF'))).toEqual({
        'contact.query': 'SELF_AND_SUBORDINATES',
        'customer.query': 'DEPARTMENT',
        'opportunity.query': 'DEPARTMENT_AND_SUBDEPARTMENTS',
        'quotation.query': 'DEPARTMENT_AND_SUBDEPARTMENTS',
        'quotation.view': 'DEPARTMENT',
      });
      expect(new Set(Object.values(await scopes(roles.admin)))).toEqual(new Set(['ALL']));
      expect(new Set(Object.values(await scopes(roles['dept-manager'])))).toEqual(new Set(['DEPARTMENT_AND_SUBDEPARTMENTS']));
      expect(new Set(Object.values(await scopes(roles.auditor)))).toEqual(new Set(['SELF']));

      const { rows } = await db.query("SELECT key, event FROM outbox WHERE topic = 'identity.role.v1' ORDER BY seq");
      expect(rows.map((r) => r.key).sort()).toEqual(Object.values(roles).sort());
      for (const r of rows) {
        const event = typeof r.event === 'string' ? JSON.parse(r.event) : r.event;
        expect(event).toMatchObject({ type: 'crm.identity.role.data-rules-changed', tenantid: tenantId, subject: r.key });
        expect(event.data.rules).toHaveLength(39);
      }
    } finally {
      await db.end();
    }
  });
});
