/**
 * The whole system in-process for the tests under tests/: the five services on fresh test
 * databases and the test broker, the gateway in front, the demo tenant's admin seeded with a
 * known password. Tests talk to it only through the gateway (`gateway`), except where they check
 * rows (`databases`) or provision a tenant the way the operator CLI does (`provisionTenant`).
 */
import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startBroker } from '@crm/kafka-broker';
import { createTestDatabase, testInfraFromEnv } from '@crm/testing';
import { loadIdentityConfig } from '../../apps/identity/src/config';
import { startIdentity } from '../../apps/identity/src/main';
import { ProvisionTenantHandler, ProvisionedTenant } from '../../apps/identity/src/application/tenants/provision-tenant.handler';
import { loadMarketingConfig } from '../../apps/marketing/src/config';
import { startMarketing } from '../../apps/marketing/src/main';
import { loadSalesConfig } from '../../apps/sales/src/config';
import { startSales } from '../../apps/sales/src/main';
import { loadAfterSalesConfig } from '../../apps/after-sales/src/config';
import { startAfterSales } from '../../apps/after-sales/src/main';
import { loadGatewayConfig } from '../../apps/gateway/src/config';
import { startGateway } from '../../apps/gateway/src/main';

export type DatabaseName = 'identity' | 'marketing' | 'sales' | 'after_sales';

export interface RunningSystem {
  /** The gateway's base URL: the only origin a frontend or an integrator sees. */
  gateway: string;
  brokers: string[];
  /** Each service's own test database. */
  databases: Record<DatabaseName, string>;
  /** Password of `admin` in tenant `demo`. */
  adminPassword: string;
  /** A new organisation with its admin, made as `npm run tenant -- create` makes it. */
  provisionTenant(code: string, name: string, adminPassword: string): Promise<ProvisionedTenant>;
  stop(): Promise<void>;
}

async function urlOf(app: NestFastifyApplication): Promise<string> {
  return (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
}

export async function startSystem(o: { label?: string; adminPassword?: string } = {}): Promise<RunningSystem> {
  const label = o.label ?? 'system';
  const adminPassword = o.adminPassword ?? 'system-test-Admin-1';
  const infra = testInfraFromEnv();
  // A system of its own on the embedded broker: its fresh consumer groups replay only its own
  // history, not every earlier suite's (with an external Kafka the suites share it).
  const broker = infra.kafkaEmbedded ? await startBroker({ port: 0, host: '127.0.0.1', groupInitialRebalanceDelayMs: 0 }) : undefined;
  const brokers = broker ? [broker.address] : infra.kafkaBrokers;
  const databases = {} as Record<DatabaseName, string>;
  for (const name of ['identity', 'marketing', 'sales', 'after_sales'] as const) databases[name] = await createTestDatabase(infra.postgresUrl, `${label}_${name}`);
  const apps: NestFastifyApplication[] = [];
  const stop = async () => {
    for (const app of [...apps].reverse()) await app.close();
    await broker?.stop();
  };
  try {
    const common = { HOST: '127.0.0.1', PORT: '0', KAFKA_BROKERS: brokers.join(','), LOG_LEVEL: 'silent', KAFKA_GROUP_PREFIX: `${label}-${randomUUID().slice(0, 8)}` };
    const identity = await startIdentity(loadIdentityConfig({ ...common, DATABASE_URL: databases.identity, CRM_ADMIN_PASSWORD: adminPassword }));
    apps.push(identity);
    const identityUrl = await urlOf(identity);
    const jwks = `${identityUrl}/.well-known/jwks.json`;
    const marketing = await startMarketing(loadMarketingConfig({ ...common, DATABASE_URL: databases.marketing, JWKS_URL: jwks }));
    apps.push(marketing);
    const sales = await startSales(loadSalesConfig({ ...common, DATABASE_URL: databases.sales, JWKS_URL: jwks }));
    apps.push(sales);
    const afterSales = await startAfterSales(loadAfterSalesConfig({ ...common, DATABASE_URL: databases.after_sales, JWKS_URL: jwks }));
    apps.push(afterSales);
    const gw = await startGateway(
      loadGatewayConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        JWKS_URL: jwks,
        IDENTITY_URL: identityUrl,
        MARKETING_URL: await urlOf(marketing),
        SALES_URL: await urlOf(sales),
        AFTER_SALES_URL: await urlOf(afterSales),
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      }),
    );
    apps.push(gw);
    return {
      gateway: await urlOf(gw),
      brokers,
      databases,
      adminPassword,
      provisionTenant: async (code, name, password) => (await identity.get(ProvisionTenantHandler).execute({ code, name, adminPassword: password }))!,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Answer { status: number; body: any; contentType: string }

/**
 * One request to the system: JSON in (a string body is sent as is), parsed JSON out (problem+json
 * included; the text when it is not JSON). Headers given override the defaults, so
 * `{ authorization: '' }` sends an empty one.
 */
export async function request(base: string, method: string, path: string, o: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      // A FormData body sets its own multipart content type (with the boundary).
      ...(o.body !== undefined && !(o.body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...o.headers,
    },
    body: o.body === undefined ? undefined : typeof o.body === 'string' || o.body instanceof FormData ? o.body : JSON.stringify(o.body),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body, contentType: res.headers.get('content-type') ?? '' };
}

/** Waits until the gateway reports every service up (consumers join their groups in the background). */
export async function waitUntilHealthy(base: string, ms = 10_000): Promise<Answer> {
  const deadline = Date.now() + ms;
  let health = await request(base, 'GET', '/health');
  while (health.status !== 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    health = await request(base, 'GET', '/health');
  }
  return health;
}

/** Polls `probe` until it returns something other than undefined. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface SignedInUser {
  id: string;
  token: string;
}

/**
 * The demo organisation's administrator signed in, and account managers made by it in a new
 * department, each signed in: the cast most whole-system tests start from.
 */
export async function demoTeam(system: RunningSystem, department: string, usernames: string[]): Promise<{ admin: string; users: SignedInUser[] }> {
  const login = async (username: string, password: string): Promise<string> => {
    const res = await request(system.gateway, 'POST', '/api/v1/auth/login', { body: { tenant: 'demo', username, password } });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  };
  const admin = await login('admin', system.adminPassword);
  const roles = await request(system.gateway, 'GET', '/api/v1/roles?code=account-manager', { token: admin });
  const dept = await request(system.gateway, 'POST', '/api/v1/departments', { token: admin, body: { name: department } });
  if (dept.status !== 201) throw new Error(`department: ${dept.status} ${JSON.stringify(dept.body)}`);
  const users: SignedInUser[] = [];
  for (const username of usernames) {
    const body = { username, password: 'Password-123', name: username, departmentId: dept.body.id, roleIds: [roles.body.items[0].id] };
    const res = await request(system.gateway, 'POST', '/api/v1/users', { token: admin, body });
    if (res.status !== 201) throw new Error(`user ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    users.push({ id: res.body.id, token: await login(username, 'Password-123') });
  }
  return { admin, users };
}
