/**
 * Building an organisation through the public API, as an administrator would: departments, users
 * with roles and superiors, sign-ins; and waiting until the business services have projected it
 * (their data scopes read the projection, not identity).
 */
import { Client } from 'pg';
import { AccessModel } from './access-model';
import { Answer, eventually, request } from './system';

export const PASSWORD = 'matrix-Passw0rd-1';

export interface SignedIn {
  userId: string;
  tenantId: string;
  departmentId: string;
  roles: string[];
  token: string;
}

/** Fails with the answer when the status is not the one expected. */
export function expectStatus(res: Answer, status: number, what: string): Answer {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res;
}

export class Organisation {
  private roleIds?: Record<string, string>;
  private n = 0;

  constructor(
    readonly base: string,
    readonly model: AccessModel,
    readonly tenantCode: string,
    readonly admin: SignedIn,
  ) {}

  /** Signs in the tenant's `admin` and records its root department in the model. */
  static async open(base: string, model: AccessModel, tenantCode: string, adminPassword: string): Promise<Organisation> {
    const admin = await signIn(base, tenantCode, 'admin', adminPassword);
    const org = new Organisation(base, model, tenantCode, admin);
    const root = expectStatus(await request(base, 'GET', `/api/v1/departments/${admin.departmentId}`, { token: admin.token }), 200, 'root department').body;
    model.departments.set(root.id, { id: root.id, tenantId: admin.tenantId, path: root.path });
    model.users.set(admin.userId, { id: admin.userId, tenantId: admin.tenantId, departmentId: admin.departmentId, superiorId: null, roles: admin.roles });
    return org;
  }

  async department(name: string, parentId: string = this.admin.departmentId): Promise<string> {
    const res = await request(this.base, 'POST', '/api/v1/departments', { token: this.admin.token, body: { name: `${name} ${++this.n}`, parentId } });
    const d = expectStatus(res, 201, `department ${name}`).body;
    this.model.departments.set(d.id, { id: d.id, tenantId: this.admin.tenantId, path: d.path });
    return d.id;
  }

  async user(username: string, o: { departmentId: string; roles: string[]; superiorId?: string | null }): Promise<string> {
    this.roleIds ??= Object.fromEntries(
      expectStatus(await request(this.base, 'GET', '/api/v1/roles?pageSize=200', { token: this.admin.token }), 200, 'roles').body.items.map((r: { code: string; id: string }) => [r.code, r.id]),
    );
    const body = { username, password: PASSWORD, name: username, departmentId: o.departmentId, superiorId: o.superiorId ?? null, roleIds: o.roles.map((r) => this.roleIds![r]) };
    const u = expectStatus(await request(this.base, 'POST', '/api/v1/users', { token: this.admin.token, body }), 201, `user ${username}`).body;
    this.model.users.set(u.id, { id: u.id, tenantId: this.admin.tenantId, departmentId: o.departmentId, superiorId: o.superiorId ?? null, roles: o.roles });
    return u.id;
  }

  signIn(username: string): Promise<SignedIn> {
    return signIn(this.base, this.tenantCode, username, PASSWORD);
  }

  /** Waits until sales has this tenant's users, departments and role rules as the model has them. */
  async projected(salesDatabase: string): Promise<void> {
    const users = [...this.model.users.values()].filter((u) => u.tenantId === this.admin.tenantId);
    const departments = [...this.model.departments.values()].filter((d) => d.tenantId === this.admin.tenantId);
    const db = new Client({ connectionString: salesDatabase });
    await db.connect();
    try {
      await eventually(`sales projects tenant ${this.tenantCode}`, async () => {
        const { rows } = await db.query(
          `SELECT (SELECT count(*) FROM org_users WHERE tenant_id = $1 AND id = ANY($2::uuid[]))::int AS users,
                  (SELECT count(*) FROM org_departments WHERE tenant_id = $1 AND id = ANY($3::uuid[]))::int AS departments,
                  (SELECT count(DISTINCT role_code) FROM data_rules WHERE tenant_id = $1)::int AS roles`,
          [this.admin.tenantId, users.map((u) => u.id), departments.map((d) => d.id)],
        );
        return rows[0].users === users.length && rows[0].departments === departments.length && rows[0].roles >= 3 ? true : undefined;
      });
    } finally {
      await db.end();
    }
  }
}

export async function signIn(base: string, tenant: string, username: string, password: string): Promise<SignedIn> {
  const login = expectStatus(await request(base, 'POST', '/api/v1/auth/login', { body: { tenant, username, password } }), 200, `login ${tenant}/${username}`).body;
  const me = expectStatus(await request(base, 'GET', '/api/v1/me', { token: login.accessToken }), 200, 'me').body;
  return { userId: me.id, tenantId: me.tenant.id, departmentId: me.departmentId, roles: me.roles.map((r: { code: string }) => r.code), token: login.accessToken };
}
