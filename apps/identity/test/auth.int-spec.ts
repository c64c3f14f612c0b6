import { Client } from 'pg';
import { SignJWT, createRemoteJWKSet, importJWK, jwtVerify } from 'jose';
import { RunningIdentity, bootIdentity, call, login, tenantWithAdmin } from './support';

describe('identity: sign-in, tokens and /me', () => {
  let identity: RunningIdentity;
  let tenant: Awaited<ReturnType<typeof tenantWithAdmin>>;

  beforeAll(async () => {
    identity = await bootIdentity({ label: 'identity_auth' });
    tenant = await tenantWithAdmin(identity, 'acme');
  });
  afterAll(async () => {
    await identity?.app.close();
  });

  it('signs in and answers a token pair', async () => {
    const res = await call(identity.url, 'POST', '/api/v1/auth/login', { body: { tenant: 'acme', username: 'ADMIN', password: tenant.password } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
  });

  it('answers the same 401 for a wrong tenant, user or password, and for a disabled user', async () => {
    const attempts = [
      { tenant: 'nope', username: 'admin', password: tenant.password },
      { tenant: 'acme', username: 'nobody', password: tenant.password },
      { tenant: 'acme', username: 'admin', password: 'wrong-password' },
    ];
    for (const body of attempts) {
      const res = await call(identity.url, 'POST', '/api/v1/auth/login', { body });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('AUTH.INVALID_CREDENTIALS');
    }
    const roles = await call(identity.url, 'GET', '/api/v1/roles', { token: tenant.token });
    const created = await call(identity.url, 'POST', '/api/v1/users', {
      token: tenant.token,
      body: { username: 'soon.gone', password: 'password-123', name: 'Soon Gone', departmentId: (await me(tenant.token)).departmentId, roleIds: [roles.body.items[0].id] },
    });
    expect(created.status).toBe(201);
    const pair = await login(identity.url, 'acme', 'soon.gone', 'password-123');
    expect((await call(identity.url, 'PATCH', `/api/v1/users/${created.body.id}`, { token: tenant.token, body: { status: 'disabled' } })).status).toBe(200);
    const res = await call(identity.url, 'POST', '/api/v1/auth/login', { body: { tenant: 'acme', username: 'soon.gone', password: 'password-123' } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH.INVALID_CREDENTIALS');
    // Disabling ended the user's sessions too.
    expect((await call(identity.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: pair.refreshToken } })).status).toBe(401);
  });

  it('rotates refresh tokens and revokes the whole family when a used one comes back', async () => {
    const first = await login(identity.url, 'acme', 'admin', tenant.password);
    const second = await call(identity.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await call(identity.url, 'GET', '/api/v1/me', { token: second.body.accessToken })).status).toBe(200);

    const third = await call(identity.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(third.status).toBe(200);

    // The first token again: a leak. It fails, and so does the newest token of its family.
    const reuse = await call(identity.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('AUTH.REFRESH_TOKEN_INVALID');
    expect((await call(identity.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: third.body.refreshToken } })).status).toBe(401);

    // Another login (another family) is untouched.
    const other = await login(identity.url, 'acme', 'admin', tenant.password);
    expect((await call(identity.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: other.refreshToken } })).status).toBe(200);
  });

  it('stores refresh tokens only as hashes', async () => {
    const pair = await login(identity.url, 'acme', 'admin', tenant.password);
    const db = new Client({ connectionString: identity.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT token_hash FROM refresh_tokens');
      expect(rows.map((r) => r.token_hash)).not.toContain(pair.refreshToken);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
    } finally {
      await db.end();
    }
  });

  it('logs out: the refresh token stops working; logout is idempotent', async () => {
    const pair = await login(identity.url, 'acme', 'admin', tenant.password);
    const out = await call(identity.url, 'POST', '/api/v1/auth/logout', { body: { refreshToken: pair.refreshToken } });
    expect(out.status).toBe(204);
    expect((await call(identity.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: pair.refreshToken } })).status).toBe(401);
    expect((await call(identity.url, 'POST', '/api/v1/auth/logout', { body: { refreshToken: pair.refreshToken } })).status).toBe(204);
    expect((await call(identity.url, 'POST', '/api/v1/auth/logout', { body: { refreshToken: 'never-issued' } })).status).toBe(204);
  });

  it('serves a JWKS that verifies the access token with the documented claims', async () => {
    const jwks = await call(identity.url, 'GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(jwks.body.keys[0].d).toBeUndefined(); // never the private part
    const { payload, protectedHeader } = await jwtVerify(tenant.token, createRemoteJWKSet(new URL(`${identity.url}/.well-known/jwks.json`)), {
      issuer: 'crm-identity',
      audience: 'crm',
      algorithms: ['RS256'],
    });
    expect(protectedHeader.kid).toBe(jwks.body.keys[0].kid);
    expect(payload).toMatchObject({ sub: tenant.admin.id, tid: tenant.tenant.id, tcode: 'acme', username: 'admin', name: 'Administrator', dept: expect.any(String), roles: ['admin'] });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('answers /me with the caller, roles and tenant, and no password', async () => {
    const res = await call(identity.url, 'GET', '/api/v1/me', { token: tenant.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: tenant.admin.id,
      username: 'admin',
      name: 'Administrator',
      phone: null,
      email: null,
      departmentId: expect.any(String),
      superiorId: null,
      status: 'active',
      roles: [{ id: expect.any(String), code: 'admin', name: 'Administrator' }],
      tenant: { id: tenant.tenant.id, code: 'acme', name: 'Tenant acme' },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/password|argon/i);
  });

  it('answers 401 without a token, with a bad one, an expired one and an alg:none one', async () => {
    const missing = await call(identity.url, 'GET', '/api/v1/me');
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('AUTH.TOKEN_MISSING');

    const bad = await call(identity.url, 'GET', '/api/v1/me', { token: 'not.a.token' });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('AUTH.TOKEN_INVALID');

    const tampered = tenant.token.replace(/\.[^.]+\./, (m) => `.${Buffer.from(JSON.stringify({ sub: 'x', tid: 'y', roles: ['admin'] })).toString('base64url')}.`);
    expect((await call(identity.url, 'GET', '/api/v1/me', { token: tampered })).status).toBe(401);

    // Signed with identity's own key, but expired.
    const db = new Client({ connectionString: identity.databaseUrl });
    await db.connect();
    const { rows } = await db.query('SELECT kid, private_jwk FROM signing_keys');
    await db.end();
    const key = await importJWK(rows[0].private_jwk, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ tid: tenant.tenant.id, tcode: 'acme', username: 'admin', name: 'Administrator', dept: 'x', roles: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: rows[0].kid })
      .setIssuer('crm-identity')
      .setAudience('crm')
      .setSubject(tenant.admin.id)
      .setIssuedAt(now - 3600)
      .setExpirationTime(now - 60)
      .sign(key);
    const old = await call(identity.url, 'GET', '/api/v1/me', { token: expired });
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('AUTH.TOKEN_EXPIRED');

    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: tenant.admin.id, tid: tenant.tenant.id, iss: 'crm-identity', aud: 'crm', exp: now + 600, roles: ['admin'] })}.`;
    const unsigned = await call(identity.url, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${none}` } });
    expect(unsigned.status).toBe(401);
  });

  it('keeps its signing key across restarts: old tokens still verify', async () => {
    const before = await call(identity.url, 'GET', '/.well-known/jwks.json');
    const again = await bootIdentity({ databaseUrl: identity.databaseUrl });
    try {
      const after = await call(again.url, 'GET', '/.well-known/jwks.json');
      expect(after.body).toEqual(before.body);
      expect((await call(again.url, 'GET', '/api/v1/me', { token: tenant.token })).status).toBe(200);
    } finally {
      await again.app.close();
    }
  });

  async function me(token: string) {
    return (await call(identity.url, 'GET', '/api/v1/me', { token })).body;
  }
});

describe('identity: the demo seed on boot', () => {
  it('creates tenant demo with admin when CRM_ADMIN_PASSWORD is set and there is no tenant, once', async () => {
    const first = await bootIdentity({ label: 'identity_seed', env: { CRM_ADMIN_PASSWORD: 'demo-password-1' } });
    try {
      const pair = await login(first.url, 'demo', 'admin', 'demo-password-1');
      const me = await call(first.url, 'GET', '/api/v1/me', { token: pair.accessToken });
      expect(me.body.tenant).toMatchObject({ code: 'demo', name: 'Demo' });
      expect(me.body.roles.map((r: { code: string }) => r.code)).toEqual(['admin']);
      const roles = await call(first.url, 'GET', '/api/v1/roles?sort=code', { token: pair.accessToken });
      expect(roles.body.items.map((r: { code: string; name: string }) => [r.code, r.name])).toEqual([
        ['account-manager', 'Account manager'],
        ['admin', 'Administrator'],
        ['dept-manager', 'Department manager'],
      ]);
    } finally {
      await first.app.close();
    }
    // A second boot with another password changes nothing: the seed only fills an empty system.
    const second = await bootIdentity({ databaseUrl: first.databaseUrl, env: { CRM_ADMIN_PASSWORD: 'other-password-2' } });
    try {
      expect((await call(second.url, 'POST', '/api/v1/auth/login', { body: { tenant: 'demo', username: 'admin', password: 'other-password-2' } })).status).toBe(401);
      await login(second.url, 'demo', 'admin', 'demo-password-1');
    } finally {
      await second.app.close();
    }
  });

  it('creates nothing without CRM_ADMIN_PASSWORD', async () => {
    const identity = await bootIdentity({ label: 'identity_noseed' });
    try {
      expect((await call(identity.url, 'POST', '/api/v1/auth/login', { body: { tenant: 'demo', username: 'admin', password: 'whatever-123' } })).status).toBe(401);
    } finally {
      await identity.app.close();
    }
  });
});
