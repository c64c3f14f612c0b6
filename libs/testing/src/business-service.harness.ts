import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { CryptoKey, JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { Client } from 'pg';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@crm/access';
import { DepartmentCreated, DepartmentData, RoleDataRulesChanged, UserCreated, UserData, defaultDataRules } from '@crm/contracts';
import { publishInTransaction } from '@crm/messaging';
import { IdentityEventsFixture } from './identity-events.fixture';
import { createTestDatabase, testInfraFromEnv } from './test-infra';

/** Polls `probe` until it returns something other than undefined. */
export async function eventually<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CallResult = { status: number; body: any; type: string };

export interface BusinessServiceHarness {
  /** The running service, for reaching its providers (jobs, handlers) directly. */
  app: NestFastifyApplication;
  base: string;
  /** A connection to the service's own test database, for assertions on rows. */
  db: Client;
  /** Identity's side of the broker: publish identity events, read any topic. */
  identity: IdentityEventsFixture;
  tenantA: string;
  tenantB: string;
  /** Tenant A: North (manager) ⊃ North-1 (rep1, rep2); South (admin). Tenant B: HQ (adminB). */
  departments: { north: DepartmentData; north1: DepartmentData; south: DepartmentData; other: DepartmentData };
  users: { manager: UserData; rep1: UserData; rep2: UserData; admin: UserData; adminB: UserData };
  /** One request as a signed-in user; the body is parsed JSON (problem+json included). */
  call(as: UserData, method: string, path: string, body?: unknown): Promise<CallResult>;
  /** The user's bearer token, for requests `call` cannot make (a raw body). */
  tokenOf(as: UserData): string;
  stop(): Promise<void>;
}

const dept = (tenantId: string, name: string, parent?: DepartmentData): DepartmentData => {
  const id = randomUUID();
  return { id, tenantId, name, parentId: parent?.id ?? null, managerId: null, path: `${parent?.path ?? '/'}${id}/` };
};

const user = (tenantId: string, username: string, d: DepartmentData, role: string, superior?: UserData): UserData => ({
  id: randomUUID(), tenantId, username, name: username, phone: null, email: null, departmentId: d.id, superiorId: superior?.id ?? null, status: 'active', roleCodes: [role],
});

export interface BusinessServiceHarnessOptions {
  /** Names the test database (and the fixture's). */
  name: string;
  /** `marketing`, `sales`, `after-sales`: prefixes the instance's own consumer groups. */
  service: string;
  /** Boots the service in-process from this environment, listening. */
  start(env: Record<string, string>): Promise<NestFastifyApplication>;
  /** Settings added or overridden (e.g. a small IMPORT_MAX_BYTES). */
  env?: Record<string, string>;
}

/**
 * A business service in-process on a fresh test database and the test broker, with its own
 * consumer groups. The organisation and the default data rules arrive as identity's real events
 * (through an outbox and the relay); tokens are signed with a local RSA key served as JWKS, as
 * identity serves its own.
 */
export async function startBusinessServiceHarness(o: BusinessServiceHarnessOptions): Promise<BusinessServiceHarness> {
  const { name } = o;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const north = dept(tenantA, 'North');
  const north1 = dept(tenantA, 'North-1', north);
  const south = dept(tenantA, 'South');
  const other = dept(tenantB, 'HQ');
  const manager = user(tenantA, 'manager', north, 'dept-manager');
  const rep1 = user(tenantA, 'rep1', north1, 'account-manager', manager);
  const rep2 = user(tenantA, 'rep2', north1, 'account-manager', manager);
  const admin = user(tenantA, 'admin', south, 'admin');
  const adminB = user(tenantB, 'admin', other, 'admin');
  const everyone = [manager, rep1, rep2, admin, adminB];

  const keys = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'test', alg: 'RS256', use: 'sig' };
  const jwks = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));

  const { postgresUrl, kafkaBrokers } = testInfraFromEnv();
  const url = await createTestDatabase(postgresUrl, name);
  const app = await o.start({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: url,
    KAFKA_BROKERS: kafkaBrokers.join(','),
    KAFKA_GROUP_PREFIX: `${o.service}-${randomUUID().slice(0, 8)}`,
    JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
    LOG_LEVEL: 'silent',
    ...o.env,
  });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const db = new Client({ connectionString: url });
  await db.connect();

  const identity = await IdentityEventsFixture.start(`${name}_identity`);
  for (const d of [north, north1, south, other]) await identity.publish(DepartmentCreated, d);
  for (const u of everyone) await identity.publish(UserCreated, u);
  for (const tenantId of [tenantA, tenantB]) {
    for (const roleCode of ['admin', 'dept-manager', 'account-manager']) {
      const roleId = randomUUID(); // the fixture's publish keys by `id`; a rules event is keyed by its role
      await identity.dataSource.transaction((m) =>
        publishInTransaction(m, RoleDataRulesChanged, { tenantId, subject: roleId, data: { roleId, tenantId, roleCode, rules: defaultDataRules(roleCode) } }),
      );
    }
  }
  await eventually(
    async () => {
      const users = Number((await db.query('SELECT count(*) FROM org_users WHERE tenant_id = ANY($1)', [[tenantA, tenantB]])).rows[0].count);
      const rules = Number((await db.query('SELECT count(DISTINCT (tenant_id, role_code)) FROM data_rules WHERE tenant_id = ANY($1)', [[tenantA, tenantB]])).rows[0].count);
      return users === everyone.length && rules === 6 ? true : undefined;
    },
    30_000,
    'the organisation and its data rules in the projection',
  );

  const tokens = new Map<string, string>();
  for (const u of everyone) tokens.set(u.id, await sign(u, keys.privateKey));

  return {
    app,
    base,
    db,
    identity,
    tenantA,
    tenantB,
    departments: { north, north1, south, other },
    users: { manager, rep1, rep2, admin, adminB },
    tokenOf: (as) => tokens.get(as.id)!,
    async call(as, method, path, body) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokens.get(as.id)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, type: res.headers.get('content-type') ?? '' };
    },
    async stop() {
      await identity.close();
      await db.end();
      await app.close();
      await new Promise((r) => jwks.close(r));
    },
  };
}

const sign = (u: UserData, key: CryptoKey) =>
  new SignJWT({ tid: u.tenantId, tcode: 't', username: u.username, name: u.name, dept: u.departmentId, roles: u.roleCodes })
    .setProtectedHeader({ alg: 'RS256', kid: 'test' })
    .setSubject(u.id)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(key);
