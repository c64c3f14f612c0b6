import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, testInfraFromEnv } from '@crm/testing';
import { loadIdentityConfig } from '../src/config';
import { startIdentity } from '../src/main';
import { ProvisionTenantHandler, ProvisionedTenant } from '../src/application/tenants/provision-tenant.handler';

export interface RunningIdentity {
  app: NestFastifyApplication;
  url: string;
  databaseUrl: string;
  kafkaBrokers: string[];
}

/** Identity in-process on a free port, against its own test database and the test broker. */
export async function bootIdentity(o: { label?: string; databaseUrl?: string; env?: Record<string, string> } = {}): Promise<RunningIdentity> {
  const { postgresUrl, kafkaBrokers } = testInfraFromEnv();
  const databaseUrl = o.databaseUrl ?? (await createTestDatabase(postgresUrl, o.label ?? 'identity'));
  const config = loadIdentityConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, KAFKA_BROKERS: kafkaBrokers.join(','), LOG_LEVEL: 'silent', KAFKA_GROUP_PREFIX: `identity-${randomUUID().slice(0, 8)}`, ...o.env });
  const app = await startIdentity(config);
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), databaseUrl, kafkaBrokers };
}

export interface Answer<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  headers: Headers;
  body: T;
}

/** One HTTP call; `raw` sends the body as given (malformed JSON tests). */
export async function call<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  base: string,
  method: string,
  path: string,
  o: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined;
  if (o.raw !== undefined || o.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = o.raw ?? JSON.stringify(o.body);
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function login(base: string, tenant: string, username: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await call(base, 'POST', '/api/v1/auth/login', { body: { tenant, username, password } });
  if (res.status !== 200) throw new Error(`login ${tenant}/${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A tenant made the way the CLI makes it, plus its admin's token. */
export async function tenantWithAdmin(identity: RunningIdentity, code: string): Promise<ProvisionedTenant & { token: string; password: string }> {
  const password = `pw-${code}-secret`;
  const created = await identity.app.get(ProvisionTenantHandler).execute({ code, name: `Tenant ${code}`, adminPassword: password });
  const { accessToken } = await login(identity.url, code, 'admin', password);
  return { ...created!, token: accessToken, password };
}
