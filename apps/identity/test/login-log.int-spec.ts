import { Client } from 'pg';
import { RunningIdentity, bootIdentity, call, login, tenantWithAdmin } from './support';

const LOCK_SECONDS = 3;

describe('identity: login log and lockout', () => {
  let identity: RunningIdentity;
  let t: Awaited<ReturnType<typeof tenantWithAdmin>>;
  let root: string;
  let accountManagerRole: string;

  const attempt = (username: string, password: string, headers: Record<string, string> = {}, tenant = 'logs') =>
    call(identity.url, 'POST', '/api/v1/auth/login', { body: { tenant, username, password }, headers });
  const logs = (query = '', token = t.token) => call(identity.url, 'GET', `/api/v1/login-logs${query}`, { token });
  const newUser = async (username: string) => {
    const res = await call(identity.url, 'POST', '/api/v1/users', {
      token: t.token,
      body: { username, password: 'password-123', name: username, departmentId: root, roleIds: [accountManagerRole] },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    // A lockout of a few seconds, so the test can see it run out.
    identity = await bootIdentity({ label: 'identity_login', env: { LOGIN_LOCK_MINUTES: String(LOCK_SECONDS / 60) } });
    t = await tenantWithAdmin(identity, 'logs');
    root = (await call(identity.url, 'GET', '/api/v1/me', { token: t.token })).body.departmentId;
    const roles = (await call(identity.url, 'GET', '/api/v1/roles', { token: t.token })).body.items;
    accountManagerRole = roles.find((r: { code: string }) => r.code === 'account-manager').id;
  });
  afterAll(async () => {
    await identity?.app.close();
  });

  it('logs each attempt with user, username, time, IP, user agent, client type and outcome', async () => {
    const userId = await newUser('log.user');
    const started = new Date();
    // A forged first entry; the gateway appends the peer it really saw last.
    const headers = { 'x-forwarded-for': '10.9.9.9, 203.0.113.7', 'user-agent': 'CRM-App/2.1 (Android 14)', 'x-client-type': 'app' };
    expect((await attempt('LOG.USER', 'password-123', headers)).status).toBe(200);
    expect((await attempt('log.user', 'wrong-password', { 'user-agent': 'Mozilla/5.0 test' })).status).toBe(401);
    expect((await attempt('no.such.user', 'password-123', { 'x-client-type': 'web' })).status).toBe(401);
    expect((await call(identity.url, 'PATCH', `/api/v1/users/${userId}`, { token: t.token, body: { status: 'disabled' } })).status).toBe(200);
    const disabled = await attempt('log.user', 'password-123');
    expect(disabled.status).toBe(401);
    expect(disabled.body.code).toBe('AUTH.INVALID_CREDENTIALS');
    // An unknown organisation has nowhere to keep its log: nothing is stored.
    expect((await attempt('log.user', 'password-123', {}, 'no-such-org')).status).toBe(401);

    const page = await logs(`?from=${started.toISOString()}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 4, page: 1, pageSize: 20 });
    // Newest first by default.
    expect(page.body.items).toEqual([
      { id: expect.any(String), userId, username: 'log.user', time: expect.any(String), ip: '127.0.0.1', userAgent: expect.any(String), clientType: 'web', success: false, failureReason: 'disabled' },
      { id: expect.any(String), userId: null, username: 'no.such.user', time: expect.any(String), ip: '127.0.0.1', userAgent: expect.any(String), clientType: 'web', success: false, failureReason: 'unknown-user' },
      { id: expect.any(String), userId, username: 'log.user', time: expect.any(String), ip: '127.0.0.1', userAgent: 'Mozilla/5.0 test', clientType: 'web', success: false, failureReason: 'bad-password' },
      { id: expect.any(String), userId, username: 'LOG.USER', time: expect.any(String), ip: '203.0.113.7', userAgent: 'CRM-App/2.1 (Android 14)', clientType: 'app', success: true, failureReason: null },
    ]);
    const times = page.body.items.map((i: { time: string }) => Date.parse(i.time));
    expect(times.every((ms: number) => ms >= started.getTime() - 1000 && ms <= Date.now())).toBe(true);
    expect([...times].sort((x, y) => y - x)).toEqual(times);

    const db = new Client({ connectionString: identity.databaseUrl });
    await db.connect();
    try {
      expect((await db.query("SELECT count(*)::int AS n FROM login_logs l JOIN tenants t ON t.id = l.tenant_id WHERE t.code = 'no-such-org'")).rows[0].n).toBe(0);
      expect((await db.query('SELECT count(DISTINCT tenant_id)::int AS n FROM login_logs')).rows[0].n).toBe(1);
    } finally {
      await db.end();
    }
  });

  it('filters by user, username, outcome and time, sorts and pages', async () => {
    const userId = await newUser('filter.user');
    const from = new Date().toISOString();
    await attempt('filter.user', 'wrong-password');
    await login(identity.url, 'logs', 'filter.user', 'password-123');
    await attempt('filter.ghost', 'whatever-123');

    const byUser = await logs(`?userId=${userId}&sort=time`);
    expect(byUser.body.items.map((i: { success: boolean }) => i.success)).toEqual([false, true]);
    expect((await logs('?username=FILTER.GHOST')).body.items.map((i: { failureReason: string }) => i.failureReason)).toEqual(['unknown-user']);
    expect((await logs(`?userId=${userId}&success=true`)).body.total).toBe(1);
    expect((await logs(`?from=${from}&success=false`)).body.total).toBe(2);
    expect((await logs(`?from=${from}&pageSize=2&page=2`)).body).toMatchObject({ total: 3, page: 2, pageSize: 2, items: [expect.objectContaining({ username: 'filter.user', success: false })] });
    expect((await logs(`?to=${from}&userId=${userId}`)).body.total).toBe(0);
    expect((await logs('?userId=not-a-uuid')).body.total).toBe(0);

    const bad = await logs('?success=yes&from=yesterday&sort=ip&tenantId=x');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['sort', 'tenantId']);
    const badValues = await logs('?success=yes&from=yesterday&to=2025-13-45');
    expect(badValues.status).toBe(400);
    expect(badValues.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'success', 'to']);
  });

  it('is for administrators only, and only their own organisation\u2019s', async () => {
    await newUser('log.reader');
    const member = await login(identity.url, 'logs', 'log.reader', 'password-123');
    const denied = await logs('', member.accessToken);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('AUTH.FORBIDDEN');

    const other = await tenantWithAdmin(identity, 'logs-other');
    const theirs = await logs('?pageSize=200', other.token);
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.map((i: { username: string }) => i.username)).toEqual(['admin']);
  });

  it('the seventh wrong password in a row is refused even with the right password until the lock expires', async () => {
    await newUser('locked.out');
    for (let i = 1; i <= 4; i++) {
      const res = await attempt('locked.out', `wrong-${i}`);
      expect({ i, status: res.status, code: res.body.code }).toEqual({ i, status: 401, code: 'AUTH.INVALID_CREDENTIALS' });
    }
    // The fifth (LOGIN_MAX_FAILURES) wrong password locks the account.
    const fifth = await attempt('locked.out', 'wrong-5');
    const lockedAt = Date.now();
    expect(fifth.status).toBe(401);
    expect(fifth.body.code).toBe('AUTH.ACCOUNT_LOCKED');
    for (const password of ['wrong-6', 'wrong-7', 'password-123']) {
      const res = await attempt('locked.out', password);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('AUTH.ACCOUNT_LOCKED');
      const until = Date.parse(/locked until (\S+)\.$/.exec(res.body.detail)![1]);
      expect(until - lockedAt).toBeGreaterThan(LOCK_SECONDS * 1000 - 1500);
      expect(until - lockedAt).toBeLessThanOrEqual(LOCK_SECONDS * 1000 + 500);
    }
    const reasons = (await logs('?username=locked.out&sort=time')).body.items.map((i: { failureReason: string }) => i.failureReason);
    expect(reasons).toEqual([...Array(5).fill('bad-password'), 'locked', 'locked', 'locked']);

    // The lock runs out by itself; the right password then works and clears the count.
    await new Promise((r) => setTimeout(r, LOCK_SECONDS * 1000 + 300));
    await login(identity.url, 'logs', 'locked.out', 'password-123');
    expect((await attempt('locked.out', 'wrong-again')).body.code).toBe('AUTH.INVALID_CREDENTIALS');
  });

  it('resets the count on a successful sign-in', async () => {
    await newUser('careless');
    for (let i = 0; i < 4; i++) expect((await attempt('careless', 'wrong-password')).body.code).toBe('AUTH.INVALID_CREDENTIALS');
    await login(identity.url, 'logs', 'careless', 'password-123');
    for (let i = 0; i < 4; i++) expect((await attempt('careless', 'wrong-password')).body.code).toBe('AUTH.INVALID_CREDENTIALS');
    await login(identity.url, 'logs', 'careless', 'password-123');
  });

  it('counts concurrent wrong passwords exactly: the limit locks, the rest are locked attempts', async () => {
    const userId = await newUser('stormed');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt('stormed', `wrong-${i}`)));
    expect(answers.every((r) => r.status === 401)).toBe(true);
    const reasons = (await logs(`?userId=${userId}&pageSize=50`)).body.items.map((i: { failureReason: string }) => i.failureReason);
    expect(reasons.filter((r: string) => r === 'bad-password')).toHaveLength(5);
    expect(reasons.filter((r: string) => r === 'locked')).toHaveLength(7);
    expect((await attempt('stormed', 'password-123')).body.code).toBe('AUTH.ACCOUNT_LOCKED');
  });

  it('lets an administrator end a lockout early; others may not', async () => {
    const userId = await newUser('unlocked');
    for (let i = 0; i < 5; i++) await attempt('unlocked', `wrong-${i}`);
    expect((await attempt('unlocked', 'password-123')).body.code).toBe('AUTH.ACCOUNT_LOCKED');
    const other = await login(identity.url, 'logs', 'careless', 'password-123');
    expect((await call(identity.url, 'POST', `/api/v1/users/${userId}/unlock`, { token: other.accessToken })).status).toBe(403);
    expect((await call(identity.url, 'POST', '/api/v1/users/not-a-user/unlock', { token: t.token })).status).toBe(404);
    expect((await call(identity.url, 'POST', `/api/v1/users/${userId}/unlock`, { token: t.token })).status).toBe(204);
    await login(identity.url, 'logs', 'unlocked', 'password-123');
  });
});
