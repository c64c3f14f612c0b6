/**
 * The whole system in one process tree: the five services on real PostgreSQL databases and the
 * real broker, exercised only through the gateway, as a frontend or an integrator would.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { RunningSystem, eventually, request, startSystem } from './support/system';

const run = promisify(execFile);
const ADMIN_PASSWORD = 'system-test-Admin-1';
const PUBLIC_OPERATIONS = new Set([
  'post /api/v1/auth/login',
  'post /api/v1/auth/refresh',
  'post /api/v1/auth/logout',
  'get /.well-known/jwks.json',
  'get /health',
  'get /health/live',
  'get /health/ready',
  'get /openapi.json',
  'get /asyncapi.json',
]);

describe('the system through the gateway', () => {
  let system: RunningSystem;
  let databases: Record<string, string>;
  let gateway: string;
  let brokers: string[];
  let token: string;

  const http = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => request(gateway, method, path, { body, token, headers });

  beforeAll(async () => {
    system = await startSystem({ label: 'system', adminPassword: ADMIN_PASSWORD });
    ({ gateway, brokers, databases } = system);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('reports five services up and lets the seeded admin log in and read /me', async () => {
    let health = await http('GET', '/health');
    for (let i = 0; i < 50 && health.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200)); // consumers join their groups in the background
      health = await http('GET', '/health');
    }
    expect(health.status).toBe(200);
    expect(Object.keys(health.body.services).sort()).toEqual(['after-sales', 'gateway', 'identity', 'marketing', 'sales']);
    for (const s of Object.values<{ status: string }>(health.body.services)) expect(s.status).toBe('up');

    const login = await http('POST', '/api/v1/auth/login', { tenant: 'demo', username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String), refreshToken: expect.any(String) });
    token = login.body.accessToken;
    const me = await http('GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'admin', tenant: { code: 'demo' } });
    expect(me.body.roles.map((r: { code: string }) => r.code)).toContain('admin');
  });

  it('publishes department and user events that kcat reads, and projects the user into the three other services within a second', async () => {
    const dept = await http('POST', '/api/v1/departments', { name: 'East China Sales' });
    expect(dept.status).toBe(201);
    const roles = await http('GET', '/api/v1/roles');
    const accountManager = roles.body.items.find((r: { code: string }) => r.code === 'account-manager');
    // New consumer groups first replay the topics' history (other tests' events share the broker):
    // time the user once the services have caught up, i.e. once they have the department.
    for (const name of ['marketing', 'sales', 'after_sales']) {
      const db = new Client({ connectionString: databases[name] });
      await db.connect();
      try {
        await eventually(`${name} has the department`, async () => ((await db.query('SELECT 1 FROM org_departments WHERE id = $1', [dept.body.id])).rowCount ? true : undefined), 30_000);
      } finally {
        await db.end();
      }
    }
    const created = Date.now();
    const user = await http('POST', '/api/v1/users', {
      username: 'li.na',
      password: 'a-Long-password-1',
      name: 'Li Na',
      phone: '+86 138 0000 0000',
      departmentId: dept.body.id,
      roleIds: [accountManager.id],
    });
    expect(user.status).toBe(201);
    expect(user.body).not.toHaveProperty('password');

    // Projections in marketing, sales and after-sales.
    const projected: Record<string, number> = {};
    await Promise.all(
      ['marketing', 'sales', 'after_sales'].map(async (name) => {
        const db = new Client({ connectionString: databases[name] });
        await db.connect();
        try {
          for (;;) {
            const { rows } = await db.query('SELECT name, department_id FROM org_users WHERE id = $1', [user.body.id]);
            if (rows.length) {
              expect(rows[0]).toEqual({ name: 'Li Na', department_id: dept.body.id });
              projected[name] = Date.now() - created;
              return;
            }
            if (Date.now() - created > 10_000) throw new Error(`${name} never projected the user`);
            await new Promise((r) => setTimeout(r, 20));
          }
        } finally {
          await db.end();
        }
      }),
    );
    // eslint-disable-next-line no-console
    console.log(`user projected after ${JSON.stringify(projected)} ms`);
    for (const ms of Object.values(projected)) expect(ms).toBeLessThan(1000);

    // An outside client (kcat, librdkafka) reads the events with the CloudEvents envelope.
    const read = async (topic: string, key: string) => {
      const { stdout } = await run('kcat', ['-b', brokers[0], '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q']);
      return stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((m) => m.key === key);
    };
    const [deptMsg] = await read('identity.department.v1', dept.body.id);
    const [userMsg] = await read('identity.user.v1', user.body.id);
    for (const [msg, type, id] of [
      [deptMsg, 'crm.identity.department.created', dept.body.id],
      [userMsg, 'crm.identity.user.created', user.body.id],
    ]) {
      const event = JSON.parse(msg.payload);
      expect(event).toMatchObject({
        specversion: '1.0',
        type,
        source: '/crm/identity',
        subject: id,
        datacontenttype: 'application/json',
        tenantid: me().tenantId,
        data: expect.objectContaining({ id }),
      });
      expect(event.id).toEqual(expect.any(String));
      expect(Date.parse(event.time)).toBeGreaterThan(created - 60_000);
      expect(msg.headers).toEqual(expect.arrayContaining(['traceparent']));
    }
    expect(JSON.parse(userMsg.payload).data).not.toHaveProperty('password');

    // Replaying the same event (same id) twice changes nothing.
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const stale = { ...JSON.parse(userMsg.payload), data: { ...JSON.parse(userMsg.payload).data, name: 'Replayed Name' } };
    await producer.send({ topic: 'identity.user.v1', messages: [{ key: user.body.id, value: JSON.stringify(stale) }, { key: user.body.id, value: JSON.stringify(stale) }] });
    await producer.disconnect();
    await new Promise((r) => setTimeout(r, 1500));
    const db = new Client({ connectionString: databases.sales });
    await db.connect();
    const { rows } = await db.query('SELECT name FROM org_users WHERE id = $1', [user.body.id]);
    const inbox = await db.query("SELECT count(*)::int AS n FROM inbox WHERE event_id = $1", [stale.id]);
    await db.end();
    expect(rows[0].name).toBe('Li Na');
    expect(inbox.rows[0].n).toBe(1);
  });

  function me(): { tenantId: string } {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    return { tenantId: payload.tid };
  }

  it('keeps a tenant column on every business table of every service', async () => {
    // Infrastructure tables: the tenants themselves, signing keys, the outbox/inbox and migrations.
    const infrastructure = new Set(['migrations', 'outbox', 'inbox', 'tenants', 'signing_keys', 'typeorm_metadata']);
    const missing: string[] = [];
    for (const [name, url] of Object.entries(databases)) {
      const db = new Client({ connectionString: url });
      await db.connect();
      const { rows } = await db.query(`
        SELECT t.table_name FROM information_schema.tables t
        WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                          WHERE c.table_schema = 'public' AND c.table_name = t.table_name AND c.column_name = 'tenant_id')`);
      await db.end();
      for (const r of rows) if (!infrastructure.has(r.table_name)) missing.push(`${name}.${r.table_name}`);
    }
    expect(missing).toEqual([]);
  });

  it('answers a catalogue of bad inputs on every documented operation with 4xx problem+json, never a 500', async () => {
    const doc = (await http('GET', '/openapi.json')).body;
    const operations: { method: string; path: string; op: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const [path, item] of Object.entries<any>(doc.paths)) { // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) if (item[method]) operations.push({ method, path, op: item[method] });
    }
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.map((o) => o.path)).toEqual(expect.arrayContaining(['/api/v1/customers', '/api/v1/contacts', '/api/v1/follow-ups']));
    const failures: string[] = [];
    const check = async (label: string, method: string, path: string, body: unknown, headers: Record<string, string>, expected: number[]) => {
      const res = await http(method.toUpperCase(), path, body, headers);
      const ok = expected.includes(res.status) && (res.status < 400 || res.contentType.startsWith('application/problem+json'));
      if (!ok || res.status >= 500) failures.push(`${method.toUpperCase()} ${path} [${label}] → ${res.status} ${res.contentType} ${JSON.stringify(res.body).slice(0, 200)}`);
      return res;
    };
    const noneToken = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: 'x', tid: me().tenantId, iss: 'crm-identity', aud: 'crm', exp: Math.floor(Date.now() / 1000) + 600, roles: ['admin'] }),
    ).toString('base64url')}.`;
    const schemaOf = (ref: any): any => (ref?.$ref ? doc.components.schemas[ref.$ref.split('/').pop()] : ref); // eslint-disable-line @typescript-eslint/no-explicit-any

    for (const { method, path, op } of operations) {
      const concrete = path.replace(/\{[^}]+\}/g, '0190a6e2-7b3c-7d4e-8f00-00000000dead');
      const isPublic = PUBLIC_OPERATIONS.has(`${method} ${path}`);
      const bodySchema = schemaOf(op.requestBody?.content?.['application/json']?.schema);
      if (!isPublic) {
        await check('no token', method, concrete, bodySchema ? {} : undefined, { authorization: '' }, [401]);
        await check('garbage token', method, concrete, bodySchema ? {} : undefined, { authorization: 'Bearer not.a.token' }, [401]);
        await check('alg none token', method, concrete, bodySchema ? {} : undefined, { authorization: `Bearer ${noneToken}` }, [401]);
      }
      if (path.includes('{')) await check('non-uuid id', method, path.replace(/\{[^}]+\}/g, 'not-an-id'), bodySchema ? {} : undefined, {}, [400, 404]);
      if (method === 'get' && !path.includes('{') && op.parameters?.some((p: { name: string }) => p.name === 'page' || p.name === 'pageSize')) {
        await check('bad list parameters', method, `${concrete}?page=zero&pageSize=-5&sort=password&ownerId=me`, undefined, {}, [400]);
      }
      if (!bodySchema) continue;
      const malformed = await check('malformed JSON', method, concrete, '{"name": "unterminated', {}, [400]);
      if (malformed.body?.code !== 'REQUEST.MALFORMED_JSON') failures.push(`${method} ${path}: malformed JSON answered code ${malformed.body?.code}`);
      const oversize = await check('oversize body', method, concrete, JSON.stringify({ name: 'x'.repeat(1_100_000) }), {}, [413]);
      if (oversize.body?.code !== 'REQUEST.TOO_LARGE') failures.push(`${method} ${path}: oversize body answered code ${oversize.body?.code}`);
      await check('JSON array instead of object', method, concrete, [], {}, [400]);
      const unknown = await check('unknown field', method, concrete, { zzzUnknownField: 1 }, {}, [400, 404]);
      if (unknown.status === 400 && !JSON.stringify(unknown.body.errors ?? []).includes('zzzUnknownField')) failures.push(`${method} ${path}: unknown field not named`);
      if (bodySchema.required?.length) {
        const missing = await check('missing required fields', method, concrete, {}, {}, [400, 404]);
        if (missing.status === 400) for (const f of bodySchema.required) if (!JSON.stringify(missing.body.errors ?? []).includes(`"${f}`)) failures.push(`${method} ${path}: missing '${f}' not named`);
      }
      for (const [field, prop] of Object.entries<any>(bodySchema.properties ?? {})) { // eslint-disable-line @typescript-eslint/no-explicit-any
        const wrong = prop.type === 'string' || prop.$ref || prop.enum ? 12345 : prop.type === 'array' ? 'not-an-array' : 'not-a-number-or-bool';
        const res = await check(`wrong type for ${field}`, method, concrete, { [field]: wrong }, {}, [400, 404]);
        if (res.status === 400 && !JSON.stringify(res.body.errors ?? []).includes(`"${field}`)) failures.push(`${method} ${path}: wrong type for '${field}' not named`);
      }
    }
    expect(failures).toEqual([]);
  });
});
