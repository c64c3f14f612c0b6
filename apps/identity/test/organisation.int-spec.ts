import { RunningIdentity, bootIdentity, call, login, tenantWithAdmin } from './support';

describe('identity: departments, users and roles', () => {
  let identity: RunningIdentity;
  let a: Awaited<ReturnType<typeof tenantWithAdmin>>;
  let b: Awaited<ReturnType<typeof tenantWithAdmin>>;
  let rootA: string;
  let rolesA: Record<string, string>;

  const as = (token: string) => ({
    get: (path: string) => call(identity.url, 'GET', path, { token }),
    post: (path: string, body: unknown) => call(identity.url, 'POST', path, { token, body }),
    patch: (path: string, body: unknown) => call(identity.url, 'PATCH', path, { token, body }),
    del: (path: string) => call(identity.url, 'DELETE', path, { token }),
  });

  beforeAll(async () => {
    identity = await bootIdentity({ label: 'identity_org' });
    a = await tenantWithAdmin(identity, 'tenant-a');
    b = await tenantWithAdmin(identity, 'tenant-b');
    rootA = (await as(a.token).get('/api/v1/me')).body.departmentId;
    const roles = await as(a.token).get('/api/v1/roles');
    rolesA = Object.fromEntries(roles.body.items.map((r: { code: string; id: string }) => [r.code, r.id]));
  });
  afterAll(async () => {
    await identity?.app.close();
  });

  describe('departments', () => {
    it('builds a tree with materialised paths and lists it with filters and sorting', async () => {
      const api = as(a.token);
      const sales = await api.post('/api/v1/departments', { name: 'Sales', parentId: rootA });
      expect(sales.status).toBe(201);
      expect(sales.body).toMatchObject({ id: expect.any(String), name: 'Sales', parentId: rootA, managerId: null, path: `/${rootA}/${sales.body.id}/` });
      const east = await api.post('/api/v1/departments', { name: 'East', parentId: sales.body.id, managerId: a.admin.id });
      expect(east.body.path).toBe(`/${rootA}/${sales.body.id}/${east.body.id}/`);
      expect(east.body.managerId).toBe(a.admin.id);
      await api.post('/api/v1/departments', { name: 'West', parentId: sales.body.id });

      const children = await api.get(`/api/v1/departments?parentId=${sales.body.id}&sort=-name`);
      expect(children.status).toBe(200);
      expect(children.body).toMatchObject({ total: 2, page: 1, pageSize: 20 });
      expect(children.body.items.map((d: { name: string }) => d.name)).toEqual(['West', 'East']);
      const byName = await api.get('/api/v1/departments?name=eas');
      expect(byName.body.items.map((d: { name: string }) => d.name)).toEqual(['East']);
      const paged = await api.get('/api/v1/departments?pageSize=2&page=2&sort=createdAt');
      expect(paged.body).toMatchObject({ total: 4, page: 2, pageSize: 2 });
      expect(paged.body.items).toHaveLength(2);
      expect((await api.get(`/api/v1/departments/${east.body.id}`)).body.name).toBe('East');

      const badSort = await api.get('/api/v1/departments?sort=path');
      expect(badSort.status).toBe(400);
      expect(badSort.body.errors[0].field).toBe('sort');
    });

    it('moves a department with its whole subtree, and refuses cycles', async () => {
      const api = as(a.token);
      const x = (await api.post('/api/v1/departments', { name: 'X', parentId: rootA })).body;
      const y = (await api.post('/api/v1/departments', { name: 'Y', parentId: x.id })).body;
      const z = (await api.post('/api/v1/departments', { name: 'Z', parentId: y.id })).body;
      const target = (await api.post('/api/v1/departments', { name: 'Target', parentId: rootA })).body;

      const moved = await api.patch(`/api/v1/departments/${y.id}`, { parentId: target.id, name: 'Y2' });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ name: 'Y2', parentId: target.id, path: `/${rootA}/${target.id}/${y.id}/` });
      expect((await api.get(`/api/v1/departments/${z.id}`)).body.path).toBe(`/${rootA}/${target.id}/${y.id}/${z.id}/`);
      expect((await api.get(`/api/v1/departments/${z.id}`)).body.parentId).toBe(y.id);

      for (const parentId of [y.id, z.id]) {
        const cycle = await api.patch(`/api/v1/departments/${y.id}`, { parentId });
        expect(cycle.status).toBe(409);
        expect(cycle.body.code).toBe('DEPARTMENT.CYCLE');
      }
      const top = await api.patch(`/api/v1/departments/${y.id}`, { parentId: null });
      expect(top.body).toMatchObject({ parentId: null, path: `/${y.id}/` });
      expect((await api.get(`/api/v1/departments/${z.id}`)).body.path).toBe(`/${y.id}/${z.id}/`);
      expect((await api.get('/api/v1/departments?parentId=')).body.items.map((d: { id: string }) => d.id).sort()).toEqual([rootA, y.id].sort());
    });

    it('deletes only departments without sub-departments and users', async () => {
      const api = as(a.token);
      const parent = (await api.post('/api/v1/departments', { name: 'Parent', parentId: rootA })).body;
      const child = (await api.post('/api/v1/departments', { name: 'Child', parentId: parent.id })).body;
      const withChild = await api.del(`/api/v1/departments/${parent.id}`);
      expect(withChild.status).toBe(409);
      expect(withChild.body.code).toBe('DEPARTMENT.NOT_EMPTY');

      const user = await api.post('/api/v1/users', { username: 'in.child', password: 'password-123', name: 'In Child', departmentId: child.id, roleIds: [] });
      expect((await api.del(`/api/v1/departments/${child.id}`)).status).toBe(409);
      await api.patch(`/api/v1/users/${user.body.id}`, { departmentId: rootA });
      expect((await api.del(`/api/v1/departments/${child.id}`)).status).toBe(204);
      expect((await api.get(`/api/v1/departments/${child.id}`)).status).toBe(404);
      expect((await api.del(`/api/v1/departments/${parent.id}`)).status).toBe(204);
      expect((await api.del(`/api/v1/departments/${parent.id}`)).status).toBe(404);
    });

    it('refuses references to departments or users that do not exist in the tenant', async () => {
      const res = await as(a.token).post('/api/v1/departments', { name: 'Orphan', parentId: '0190a6e2-7b3c-7d4e-8f00-00000000ffff' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'DEPARTMENT.PARENT_NOT_FOUND', errors: [{ field: 'parentId', message: expect.any(String) }] });
      const bManager = await as(a.token).post('/api/v1/departments', { name: 'Foreign manager', parentId: rootA, managerId: b.admin.id });
      expect(bManager.status).toBe(400);
      expect(bManager.body.code).toBe('DEPARTMENT.MANAGER_NOT_FOUND');
    });
  });

  describe('users', () => {
    it('creates a user (never showing a password) and refuses a duplicate username', async () => {
      const api = as(a.token);
      const res = await api.post('/api/v1/users', {
        username: 'li.na',
        password: 'password-123',
        name: 'Li Na',
        phone: '+86 138 0000 0000',
        email: 'li.na@example.com',
        departmentId: rootA,
        superiorId: a.admin.id,
        roleIds: [rolesA['account-manager']],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        username: 'li.na',
        name: 'Li Na',
        phone: '+86 138 0000 0000',
        email: 'li.na@example.com',
        departmentId: rootA,
        superiorId: a.admin.id,
        status: 'active',
        roles: [{ id: rolesA['account-manager'], code: 'account-manager', name: 'Account manager' }],
      });
      expect(JSON.stringify(res.body)).not.toMatch(/password|argon/i);
      const got = await api.get(`/api/v1/users/${res.body.id}`);
      expect(got.body).toEqual(res.body);
      expect(JSON.stringify((await api.get('/api/v1/users')).body)).not.toMatch(/password|argon/i);

      const dup = await api.post('/api/v1/users', { username: 'LI.NA', password: 'password-123', name: 'Other', departmentId: rootA, roleIds: [] });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('USER.USERNAME_TAKEN');

      // The same username in another tenant is fine.
      const inB = await as(b.token).post('/api/v1/users', { username: 'li.na', password: 'password-123', name: 'Li Na B', departmentId: (await as(b.token).get('/api/v1/me')).body.departmentId, roleIds: [] });
      expect(inB.status).toBe(201);

      const pair = await login(identity.url, 'tenant-a', 'li.na', 'password-123');
      expect((await as(pair.accessToken).get('/api/v1/me')).body.roles.map((r: { code: string }) => r.code)).toEqual(['account-manager']);
    });

    it('updates users, clears nullable fields, replaces roles, and refuses superior cycles', async () => {
      const api = as(a.token);
      const mk = async (username: string, superiorId?: string) =>
        (await api.post('/api/v1/users', { username, password: 'password-123', name: username, departmentId: rootA, superiorId, roleIds: [] })).body;
      const boss = await mk('boss');
      const mid = await mk('mid', boss.id);
      const low = await mk('low', mid.id);

      const upd = await api.patch(`/api/v1/users/${low.id}`, { name: 'Low Level', email: 'low@example.com', roleIds: [rolesA['dept-manager'], rolesA['account-manager']] });
      expect(upd.status).toBe(200);
      expect(upd.body).toMatchObject({ name: 'Low Level', email: 'low@example.com', superiorId: mid.id });
      expect(upd.body.roles.map((r: { code: string }) => r.code)).toEqual(['account-manager', 'dept-manager']);
      const cleared = await api.patch(`/api/v1/users/${low.id}`, { email: null, roleIds: [] });
      expect(cleared.body).toMatchObject({ email: null, roles: [] });

      for (const superiorId of [boss.id, mid.id, low.id].slice(1).concat([low.id])) {
        const cycle = await api.patch(`/api/v1/users/${boss.id}`, { superiorId });
        expect(cycle.status).toBe(409);
        expect(cycle.body.code).toBe('USER.SUPERIOR_CYCLE');
      }
      const self = await api.patch(`/api/v1/users/${mid.id}`, { superiorId: mid.id });
      expect(self.status).toBe(409);
      expect((await api.patch(`/api/v1/users/${low.id}`, { superiorId: boss.id })).body.superiorId).toBe(boss.id);
      expect((await api.patch(`/api/v1/users/${low.id}`, { superiorId: null })).body.superiorId).toBeNull();

      const unknownRole = await api.patch(`/api/v1/users/${low.id}`, { roleIds: [rolesA.admin, '0190a6e2-7b3c-7d4e-8f00-00000000ffff'] });
      expect(unknownRole.status).toBe(400);
      expect(unknownRole.body).toMatchObject({ code: 'USER.ROLE_NOT_FOUND', errors: [{ field: 'roleIds[1]', message: expect.any(String) }] });
    });

    it('lists with filters and sorting', async () => {
      const api = as(a.token);
      const dept = (await api.post('/api/v1/departments', { name: 'Listing', parentId: rootA })).body;
      for (const [username, name] of [['zed', 'Anna Zed'], ['amy', 'Zoe Amy'], ['bob', 'Bob Brown']]) {
        await api.post('/api/v1/users', { username: `list.${username}`, password: 'password-123', name, departmentId: dept.id, roleIds: [] });
      }
      const bob = (await api.get(`/api/v1/users?departmentId=${dept.id}&q=brown`)).body;
      expect(bob.items.map((u: { username: string }) => u.username)).toEqual(['list.bob']);
      const byName = (await api.get(`/api/v1/users?departmentId=${dept.id}&sort=name`)).body;
      expect(byName.items.map((u: { name: string }) => u.name)).toEqual(['Anna Zed', 'Bob Brown', 'Zoe Amy']);
      const byUsernameDesc = (await api.get(`/api/v1/users?departmentId=${dept.id}&sort=-username`)).body;
      expect(byUsernameDesc.items.map((u: { username: string }) => u.username)).toEqual(['list.zed', 'list.bob', 'list.amy']);
      const q = (await api.get('/api/v1/users?q=LIST.A')).body;
      expect(q.items.map((u: { username: string }) => u.username)).toEqual(['list.amy']);
      await api.patch(`/api/v1/users/${q.items[0].id}`, { status: 'disabled' });
      const disabled = (await api.get(`/api/v1/users?status=disabled&departmentId=${dept.id}`)).body;
      expect(disabled).toMatchObject({ total: 1, items: [{ username: 'list.amy', status: 'disabled' }] });
      const wild = (await api.get('/api/v1/users?q=%25')).body; // a literal %, not a wildcard
      expect(wild.total).toBe(0);
      const unknown = await api.get('/api/v1/users?password=x');
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].field).toBe('password');
    });
  });

  describe('roles', () => {
    it('lists the seeded roles and creates new ones with unique codes', async () => {
      const api = as(a.token);
      const list = await api.get('/api/v1/roles');
      expect(list.body).toMatchObject({ total: 3, page: 1, pageSize: 20 });
      const created = await api.post('/api/v1/roles', { code: 'regional-director', name: 'Regional director' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), code: 'regional-director', name: 'Regional director', system: false });
      const dup = await api.post('/api/v1/roles', { code: 'regional-director', name: 'Again' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('ROLE.CODE_TAKEN');
      const bad = await api.post('/api/v1/roles', { code: 'Bad Code', name: 'Bad' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('code');
      // Codes are per tenant.
      expect((await as(b.token).post('/api/v1/roles', { code: 'regional-director', name: 'Regional director' })).status).toBe(201);
      expect((await api.get('/api/v1/roles?code=regional-director')).body.total).toBe(1);
    });
  });

  describe('authorisation', () => {
    let memberToken: string;

    beforeAll(async () => {
      await as(a.token).post('/api/v1/users', { username: 'member', password: 'password-123', name: 'Member', departmentId: rootA, roleIds: [rolesA['account-manager']] });
      memberToken = (await login(identity.url, 'tenant-a', 'member', 'password-123')).accessToken;
    });

    it('lets any signed-in user read, and only admins change', async () => {
      const api = as(memberToken);
      expect((await api.get('/api/v1/departments')).status).toBe(200);
      expect((await api.get('/api/v1/users')).status).toBe(200);
      expect((await api.get('/api/v1/roles')).status).toBe(200);
      expect((await api.get('/api/v1/me')).status).toBe(200);
      const changes = [
        await api.post('/api/v1/departments', { name: 'Nope', parentId: rootA }),
        await api.patch(`/api/v1/departments/${rootA}`, { name: 'Nope' }),
        await api.del(`/api/v1/departments/${rootA}`),
        await api.post('/api/v1/users', { username: 'nope', password: 'password-123', name: 'Nope', departmentId: rootA, roleIds: [] }),
        await api.patch(`/api/v1/users/${a.admin.id}`, { name: 'Nope' }),
        await api.post('/api/v1/roles', { code: 'nope', name: 'Nope' }),
      ];
      for (const res of changes) {
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('AUTH.FORBIDDEN');
      }
    });
  });

  describe('tenant isolation', () => {
    it('answers 404 for another tenant\u2019s ids and never lists its rows', async () => {
      const bRoot = (await as(b.token).get('/api/v1/me')).body.departmentId;
      const bDept = (await as(b.token).post('/api/v1/departments', { name: 'B only', parentId: bRoot })).body;
      const api = as(a.token);
      for (const res of [
        await api.get(`/api/v1/departments/${bDept.id}`),
        await api.patch(`/api/v1/departments/${bDept.id}`, { name: 'Taken over' }),
        await api.del(`/api/v1/departments/${bDept.id}`),
        await api.get(`/api/v1/users/${b.admin.id}`),
        await api.patch(`/api/v1/users/${b.admin.id}`, { name: 'Taken over' }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      expect((await api.get('/api/v1/users/not-a-uuid')).status).toBe(404);
      const depts = (await api.get('/api/v1/departments?pageSize=200')).body.items.map((d: { id: string }) => d.id);
      expect(depts).not.toContain(bDept.id);
      expect(depts).not.toContain(bRoot);
      const users = (await api.get('/api/v1/users?pageSize=200')).body.items.map((u: { id: string }) => u.id);
      expect(users).not.toContain(b.admin.id);
      expect((await api.get(`/api/v1/departments?parentId=${bRoot}`)).body.total).toBe(0);
      expect((await api.get(`/api/v1/users?departmentId=${bRoot}`)).body.total).toBe(0);
      // A's admin cannot put a user in B's department either.
      const cross = await api.post('/api/v1/users', { username: 'cross', password: 'password-123', name: 'Cross', departmentId: bRoot, roleIds: [] });
      expect(cross.status).toBe(400);
      expect(cross.body.code).toBe('USER.DEPARTMENT_NOT_FOUND');
      expect((await as(b.token).get(`/api/v1/departments/${bDept.id}`)).body.name).toBe('B only');
    });
  });

  describe('validation', () => {
    const expectProblem = (res: { status: number; headers: Headers; body: { code: string } }, code: string) => {
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe(code);
    };

    it('refuses unknown fields, wrong types, missing fields and malformed JSON, naming the fields', async () => {
      const api = as(a.token);
      const unknown = await api.post('/api/v1/departments', { name: 'X', tenantId: b.tenant.id });
      expectProblem(unknown, 'REQUEST.INVALID');
      expect(unknown.body.errors).toEqual([{ field: 'tenantId', message: expect.any(String) }]);

      const wrongType = await api.post('/api/v1/users', { username: 'typed', password: 'password-123', name: 42, departmentId: rootA, roleIds: 'admin' });
      expectProblem(wrongType, 'REQUEST.INVALID');
      expect(wrongType.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(expect.arrayContaining(['name', 'roleIds']));

      const missing = await api.post('/api/v1/users', { username: 'missing', name: 'Missing', roleIds: [] });
      expectProblem(missing, 'REQUEST.INVALID');
      expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['password', 'departmentId']));

      const short = await api.post('/api/v1/users', { username: 'short', password: 'short', name: 'Short', departmentId: rootA, roleIds: [] });
      expectProblem(short, 'REQUEST.INVALID');
      expect(short.body.errors[0].field).toBe('password');

      const nulled = await api.patch(`/api/v1/users/${a.admin.id}`, { name: null });
      expectProblem(nulled, 'REQUEST.INVALID');
      expect(nulled.body.errors[0].field).toBe('name');

      const malformed = await call(identity.url, 'POST', '/api/v1/departments', { token: a.token, raw: '{"name": ' });
      // Nest's JSON parser reports a SyntaxError with statusCode 400 (no FST_ code), so the shared
      // filter maps it to REQUEST.MALFORMED_JSON (asserted by the system test's bad-input catalogue).
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('content-type')).toContain('application/problem+json');
      expect(malformed.body.detail).toMatch(/JSON/);

      const loginMissing = await call(identity.url, 'POST', '/api/v1/auth/login', { body: { tenant: 'tenant-a', username: 'admin' } });
      expectProblem(loginMissing, 'REQUEST.INVALID');
      expect(loginMissing.body.errors[0].field).toBe('password');
    });
  });
});
