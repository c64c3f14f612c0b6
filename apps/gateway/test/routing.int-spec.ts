import * as http from 'node:http';
import { Echo, FakeService, TestGateway, TestKeys, deadUrl, makeKeys, signToken, startFakeService, startTestGateway, unsignedToken } from './support';

const BODY_LIMIT = 64 * 1024;
const UPLOAD_LIMIT = 4 * BODY_LIMIT;

describe('gateway routing and edge authentication', () => {
  let keys: TestKeys;
  let services: FakeService[];
  let gateway: TestGateway;
  let token: string;
  let down: string;

  beforeAll(async () => {
    keys = await makeKeys();
    services = await Promise.all([startFakeService('identity', { keys }), startFakeService('marketing'), startFakeService('sales')]);
    down = await deadUrl();
    const [identity, marketing, sales] = services;
    gateway = await startTestGateway(
      { identity: identity.url, marketing: marketing.url, sales: sales.url, 'after-sales': down },
      { BODY_LIMIT_BYTES: String(BODY_LIMIT), UPLOAD_BODY_LIMIT_BYTES: String(UPLOAD_LIMIT), UPSTREAM_TIMEOUT_MS: '800' },
    );
    token = await signToken(keys);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(services.map((s) => s.stop()));
  });

  const call = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? token}`);
    return fetch(`${gateway.url}${path}`, { ...init, headers });
  };

  it('forwards method, path, query, body and headers, and passes back status and headers', async () => {
    const res = await call('/api/v1/customers/42/contacts?status=201&tag=a&tag=b', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-abc-123', 'x-custom': 'kept' },
      body: JSON.stringify({ name: 'Acme', tags: ['x'] }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-upstream')).toBe('sales');
    expect(res.headers.get('set-cookie')).toBe('a=1; Path=/');
    expect(res.headers.get('x-request-id')).toBe('req-abc-123');
    const echo = (await res.json()) as Echo;
    expect(echo).toMatchObject({ service: 'sales', method: 'POST', url: '/api/v1/customers/42/contacts?status=201&tag=a&tag=b', body: { name: 'Acme', tags: ['x'] } });
    expect(echo.headers).toMatchObject({ authorization: `Bearer ${token}`, 'x-request-id': 'req-abc-123', 'x-custom': 'kept', 'x-forwarded-for': '127.0.0.1', 'content-type': 'application/json' });
    expect(echo.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(echo.headers.host).toBe(new URL(services[2].url).host);
  });

  it('routes each prefix to its owner, for every method', async () => {
    const cases: [string, string, string][] = [
      ['GET', '/api/v1/me', 'identity'],
      ['PATCH', '/api/v1/users/7', 'identity'],
      ['GET', '/api/v1/departments', 'identity'],
      ['DELETE', '/api/v1/leads/9', 'marketing'],
      ['PUT', '/api/v1/lead-pools/1/rules', 'marketing'],
      ['GET', '/api/v1/opportunities?page=2', 'sales'],
      ['OPTIONS', '/api/v1/dictionaries', 'sales'],
      // Marketing's sub-resources of a customer, beside sales' own.
      ['POST', '/api/v1/customers/42/return', 'marketing'],
      ['GET', '/api/v1/customers/42/ownership-history?page=2', 'marketing'],
      ['GET', '/api/v1/customers/42/pool-status', 'marketing'],
      ['POST', '/api/v1/customers/42/restore', 'sales'],
    ];
    for (const [method, path, service] of cases) {
      const res = await call(path, { method });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      const echo = (await res.json()) as Echo;
      expect(echo).toMatchObject({ service, method, url: path });
    }
    const head = await call('/api/v1/customers', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-upstream')).toBe('sales');
  });

  it('makes up a request id when the client sends none and continues the caller\u2019s trace', async () => {
    const res = await call('/api/v1/customers', { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'x-forwarded-for': '10.1.1.1' } });
    const echo = (await res.json()) as Echo;
    expect(echo.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(echo.headers['x-request-id']);
    expect(echo.headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-(?!00f067aa0ba902b7)[0-9a-f]{16}-01$/);
    expect(echo.headers['x-forwarded-for']).toBe('10.1.1.1, 127.0.0.1');
  });

  it('refuses missing, malformed, forged, expired, alg:none and wrong-audience tokens with 401 problem+json', async () => {
    const otherKeys = await makeKeys('test-key');
    const cases: [string, string | null, string][] = [
      ['missing', null, 'AUTH.TOKEN_MISSING'],
      ['not a bearer token', 'not-a-jwt', 'AUTH.TOKEN_INVALID'],
      ['signed by another key', await signToken(otherKeys), 'AUTH.TOKEN_INVALID'],
      ['expired', await signToken(keys, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), 'AUTH.TOKEN_EXPIRED'],
      ['alg none', unsignedToken(), 'AUTH.TOKEN_INVALID'],
      ['other issuer', await signToken(keys, { issuer: 'someone-else' }), 'AUTH.TOKEN_INVALID'],
      ['other audience', await signToken(keys, { audience: 'other' }), 'AUTH.TOKEN_INVALID'],
    ];
    for (const [label, bad, code] of cases) {
      const res = await call('/api/v1/customers', { token: bad });
      expect({ label, status: res.status, type: res.headers.get('content-type') }).toEqual({ label, status: 401, type: 'application/problem+json; charset=utf-8' });
      expect(await res.json()).toMatchObject({ status: 401, code, instance: '/api/v1/customers' });
    }
    const raw = await fetch(`${gateway.url}/api/v1/customers`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(raw.status).toBe(401);
  });

  it('lets the public identity routes through without a token, and only those methods', async () => {
    for (const [method, path] of [
      ['POST', '/api/v1/auth/login'],
      ['POST', '/api/v1/auth/refresh'],
      ['POST', '/api/v1/auth/logout'],
    ]) {
      const res = await call(path, { method, token: null, headers: { 'content-type': 'application/json' }, body: '{"username":"a","password":"b"}' });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(((await res.json()) as Echo).service).toBe('identity');
    }
    const jwks = await call('/.well-known/jwks.json', { token: null });
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: unknown[] }).keys).toHaveLength(1);
    expect((await call('/api/v1/auth/sessions', { token: null })).status).toBe(401);
    expect((await call('/.well-known/jwks.json', { method: 'DELETE', token: null })).status).toBe(401);
  });

  it('answers unknown paths with 404 problem+json, without a token too', async () => {
    for (const path of ['/api/v1/nothing-here', '/api/v2/customers', '/api/v1/customersX', '/somewhere']) {
      const res = await call(path, { token: null });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 404, code: 'ROUTE.NOT_FOUND' });
    }
  });

  it('answers 503 problem+json at once when the owning service is down', async () => {
    const started = Date.now();
    const res = await call('/api/v1/service-requests?page=1', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 503, code: 'GATEWAY.SERVICE_UNAVAILABLE', instance: '/api/v1/service-requests' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 504 problem+json when a service accepts but never answers, after the upstream timeout', async () => {
    const started = Date.now();
    const res = await call('/api/v1/customers/hang');
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ status: 504, code: 'GATEWAY.TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('passes the service\u2019s own 400 back for malformed JSON (the gateway does not parse bodies)', async () => {
    const res = await call('/api/v1/customers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-upstream')).toBeNull(); // the fake service's own parser error, not its echo
    expect(((await res.json()) as { code: string }).code).toBe('FST_ERR_CTP_INVALID_JSON_BODY');
  });

  it('streams a body under the limit through unchanged', async () => {
    const body = Buffer.alloc(BODY_LIMIT - 1, 7);
    const res = await call('/api/v1/imports', { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Echo).bytes).toBe(BODY_LIMIT - 1);
  });

  it('refuses a body declared oversize with 413 problem+json before reading it', async () => {
    const declared = await call('/api/v1/leads', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(BODY_LIMIT + 1) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ status: 413, code: 'REQUEST.TOO_LARGE' });
  });

  it('lets an upload (POST /api/v1/imports) reach the upload limit instead of the body limit, and no further', async () => {
    const upload = await call('/api/v1/imports', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(UPLOAD_LIMIT - 1, 7) });
    expect(upload.status).toBe(200);
    expect(((await upload.json()) as Echo).bytes).toBe(UPLOAD_LIMIT - 1);
    const over = await call('/api/v1/imports', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(UPLOAD_LIMIT + 1) });
    expect(over.status).toBe(413);
    // Other methods on the same path keep the ordinary limit.
    expect((await call('/api/v1/imports', { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(BODY_LIMIT + 1) })).status).toBe(413);
  });

  it('refuses oversize chunked bodies with 413 problem+json', async () => {

    const chunked = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = http.request(`${gateway.url}/api/v1/leads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text }));
      });
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write(Buffer.alloc(BODY_LIMIT / 2));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(chunked.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(chunked.body)).toMatchObject({ code: 'REQUEST.TOO_LARGE' });
  });
});

describe('gateway login rate limit', () => {
  let keys: TestKeys;
  let identity: FakeService;
  let gateway: TestGateway;

  beforeAll(async () => {
    keys = await makeKeys();
    identity = await startFakeService('identity', { keys });
    const dead = await deadUrl();
    gateway = await startTestGateway({ identity: identity.url, marketing: dead, sales: dead, 'after-sales': dead }, { LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
  });

  afterAll(async () => {
    await gateway?.stop();
    await identity?.stop();
  });

  it('allows LOGIN_RATE_LIMIT_PER_MINUTE attempts per client per minute, then 429 problem+json with Retry-After', async () => {
    const login = () => fetch(`${gateway.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"a","password":"b"}' });
    for (let i = 0; i < 3; i++) expect((await login()).status).toBe(200);
    const limited = await login();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ status: 429, code: 'AUTH.LOGIN_RATE_LIMITED' });
    // Only login is limited: refresh still goes through.
    const refresh = await fetch(`${gateway.url}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refresh.status).toBe(200);
  });
});
