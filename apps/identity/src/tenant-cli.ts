import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppError } from '@crm/kernel';
import { ensureDatabase, typeormOptions } from '@crm/persistence';
import { ProvisionTenantHandler } from './application/tenants/provision-tenant.handler';
import { IDENTITY_ENTITIES } from './infrastructure/entities';
import { IDENTITY_MIGRATIONS } from './migrations';

const USAGE = 'usage: npm run tenant -- create <code> <name>';

/** DATABASE_URL, else the identity database of the system `npm start` is running. */
export function identityDatabaseUrl(env: NodeJS.ProcessEnv): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const runtime = path.join(env.CRM_DATA_DIR || './.data', 'runtime.json');
  if (!fs.existsSync(runtime)) throw new Error(`Set DATABASE_URL, or start the system first (npm start writes ${runtime}).`);
  const url = (JSON.parse(fs.readFileSync(runtime, 'utf8')) as { databaseUrls?: Record<string, string> }).databaseUrls?.identity;
  if (!url) throw new Error(`${runtime} names no identity database.`);
  return url;
}

/**
 * The operator CLI for tenants. Writes to the identity database directly (migrating it when new);
 * the events go through the outbox, so the running identity service's relay publishes them.
 */
export async function runTenantCli(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const [command, code, ...nameParts] = argv;
  const name = nameParts.join(' ');
  if (command !== 'create' || !code || !name) {
    out(USAGE);
    return 2;
  }
  const url = identityDatabaseUrl(env);
  await ensureDatabase(url);
  const dataSource = new DataSource({ ...typeormOptions({ url, entities: IDENTITY_ENTITIES, migrations: IDENTITY_MIGRATIONS, poolSize: 2 }), migrationsRun: false });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const password = randomBytes(12).toString('base64url');
    const created = await new ProvisionTenantHandler(dataSource).execute({ code, name, adminPassword: password });
    out(`Created tenant '${created!.tenant.code}' (${created!.tenant.name}), id ${created!.tenant.id}`);
    out(`admin username: ${created!.admin.username}`);
    out(`admin password: ${password}`);
    out('Sign in with these and change the password.');
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      out(`error: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await dataSource.destroy();
  }
}
