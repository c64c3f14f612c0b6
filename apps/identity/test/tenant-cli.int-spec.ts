import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestDatabase, testInfraFromEnv } from '@crm/testing';
import { bootIdentity, call, login } from './support';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');

async function tenantCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  try {
    const { stdout, stderr } = await run('node', ['dist/tools/tenant.js', ...args], { cwd: root, env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('tenant CLI', () => {
  beforeAll(async () => {
    await run('node', ['tools/build.js'], { cwd: root });
  });

  it('creates a tenant with roles, root department and an admin whose generated password signs in; the service publishes its events', async () => {
    const { postgresUrl } = testInfraFromEnv();
    const databaseUrl = await createTestDatabase(postgresUrl, 'identity_cli');
    // Run against a fresh database: the CLI migrates it itself.
    const created = await tenantCli(['create', 'globex', 'Globex Corporation'], { DATABASE_URL: databaseUrl });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/admin username: admin/);
    const password = /admin password: (\S+)/.exec(created.stdout)![1];
    expect(password.length).toBeGreaterThanOrEqual(16);

    const again = await tenantCli(['create', 'globex', 'Globex again'], { DATABASE_URL: databaseUrl });
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/exists already/);

    const identity = await bootIdentity({ databaseUrl });
    try {
      const pair = await login(identity.url, 'globex', 'admin', password);
      const me = (await call(identity.url, 'GET', '/api/v1/me', { token: pair.accessToken })).body;
      expect(me.tenant).toMatchObject({ code: 'globex', name: 'Globex Corporation' });
      expect(me.roles.map((r: { code: string }) => r.code)).toEqual(['admin']);
      const roles = (await call(identity.url, 'GET', '/api/v1/roles', { token: pair.accessToken })).body;
      expect(roles.items.map((r: { code: string }) => r.code).sort()).toEqual(['account-manager', 'admin', 'dept-manager']);
      const depts = (await call(identity.url, 'GET', '/api/v1/departments', { token: pair.accessToken })).body;
      expect(depts.items).toEqual([expect.objectContaining({ id: me.departmentId, name: 'Globex Corporation', parentId: null, path: `/${me.departmentId}/` })]);

      // The outbox rows the CLI wrote are published by the running service's relay.
      const db = new Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        const until = Date.now() + 15_000;
        let rows: { topic: string; published: boolean }[] = [];
        while (Date.now() < until) {
          rows = (await db.query('SELECT topic, published_at IS NOT NULL AS published FROM outbox ORDER BY seq')).rows;
          if (rows.length && rows.every((r) => r.published)) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        // Each default role: role.created, then its data rules.
        expect(rows.map((r) => r.topic)).toEqual(['identity.tenant.v1', ...Array(6).fill('identity.role.v1'), 'identity.department.v1', 'identity.user.v1']);
        expect(rows.every((r) => r.published)).toBe(true);
      } finally {
        await db.end();
      }
    } finally {
      await identity.app.close();
    }
  });

  it('finds the database in runtime.json when DATABASE_URL is not set', async () => {
    const { postgresUrl } = testInfraFromEnv();
    const databaseUrl = await createTestDatabase(postgresUrl, 'identity_cli_rt');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cli-'));
    fs.writeFileSync(path.join(dataDir, 'runtime.json'), JSON.stringify({ gatewayUrl: 'http://127.0.0.1:1', kafkaBrokers: [], databaseUrls: { identity: databaseUrl } }));
    const created = await tenantCli(['create', 'initech', 'Initech'], { CRM_DATA_DIR: dataDir });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created tenant 'initech'/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('explains its usage and refuses bad codes', async () => {
    const usage = await tenantCli([], { DATABASE_URL: 'postgres://127.0.0.1:1/x' });
    expect(usage.code).toBe(2);
    expect(usage.stdout).toMatch(/usage: npm run tenant -- create <code> <name>/);
    const { postgresUrl } = testInfraFromEnv();
    const bad = await tenantCli(['create', 'Bad Code!', 'Bad'], { DATABASE_URL: await createTestDatabase(postgresUrl, 'identity_cli_bad') });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/lowercase letters, digits and dashes/);
  });
});
