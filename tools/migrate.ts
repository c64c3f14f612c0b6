/**
 * One-shot migration run for deployments (the Kubernetes migration Job runs
 * `node dist/tools/migrate.js`). Each service also migrates at boot; this lets operators migrate
 * before rolling out, and see what was applied. For every `<SERVICE>_DATABASE_URL` set, it creates
 * the database if missing and runs that service's migration list, then prints what it applied.
 * Exit code 0 when every configured database is up to date, 1 when any failed, 2 when none is set.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { databaseName, ensureDatabase, typeormOptions } from '@crm/persistence';

interface ServiceMigrations {
  app: string;
  env: string;
  /** The array exported by apps/<app>/src/migrations/index.ts. */
  exportName: string;
}

export const SERVICES: ServiceMigrations[] = [
  { app: 'identity', env: 'IDENTITY_DATABASE_URL', exportName: 'IDENTITY_MIGRATIONS' },
  { app: 'marketing', env: 'MARKETING_DATABASE_URL', exportName: 'MARKETING_MIGRATIONS' },
  { app: 'sales', env: 'SALES_DATABASE_URL', exportName: 'SALES_MIGRATIONS' },
  { app: 'after-sales', env: 'AFTER_SALES_DATABASE_URL', exportName: 'AFTER_SALES_MIGRATIONS' },
];

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type MigrationList = Function[];

/**
 * The migration list of one service, loaded at run time because identity, marketing and
 * after-sales are still being written and do not all have apps/<app>/src/migrations yet.
 * TODO(lead): once all four export their lists, replace this with static imports
 * (`import { SALES_MIGRATIONS } from '../apps/sales/src/migrations'`, …) so the type-check catches a
 * renamed export. Works from source (tsx, jest: .ts) and from dist/tools (.js) alike.
 */
export function loadMigrations(s: ServiceMigrations, appsDir = path.join(__dirname, '..', 'apps')): MigrationList {
  const dir = path.join(appsDir, s.app, 'src', 'migrations');
  if (!['index.js', 'index.ts'].some((f) => fs.existsSync(path.join(dir, f)))) {
    throw new Error(`${s.app} has no migration list yet (${path.relative(process.cwd(), dir)}/index missing)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const list = require(dir)[s.exportName] as unknown;
  if (!Array.isArray(list)) throw new Error(`apps/${s.app}/src/migrations does not export an array ${s.exportName}`);
  return list as MigrationList;
}

export interface MigrateResult {
  app: string;
  database: string;
  applied: string[];
  error?: string;
}

/** Migrates every service whose database URL is in `env`; never throws, reports per service. */
export async function migrate(env: NodeJS.ProcessEnv, log: (line: string) => void = console.log): Promise<MigrateResult[]> {
  const results: MigrateResult[] = [];
  for (const s of SERVICES) {
    const url = env[s.env];
    if (!url) continue;
    const result: MigrateResult = { app: s.app, database: '?', applied: [] };
    results.push(result);
    let ds: DataSource | undefined;
    try {
      result.database = databaseName(url);
      const migrations = loadMigrations(s);
      await ensureDatabase(url);
      ds = new DataSource({ ...typeormOptions({ url, entities: [], migrations, poolSize: 2 }), migrationsRun: false });
      await ds.initialize();
      const applied = await ds.runMigrations({ transaction: 'each' });
      result.applied = applied.map((m) => m.name);
      log(
        applied.length
          ? `${s.app} (${result.database}): applied ${applied.length} migration(s): ${result.applied.join(', ')}`
          : `${s.app} (${result.database}): up to date (${migrations.length} migration(s) known)`,
      );
    } catch (err) {
      result.error = (err as Error).message;
      log(`${s.app} (${result.database}): FAILED: ${result.error}`);
    } finally {
      if (ds?.isInitialized) await ds.destroy();
    }
  }
  return results;
}

if (require.main === module) {
  const configured = SERVICES.filter((s) => process.env[s.env]);
  if (!configured.length) {
    console.error(`migrate: nothing to do; set at least one of ${SERVICES.map((s) => s.env).join(', ')}`);
    process.exit(2);
  }
  migrate(process.env).then(
    (results) => process.exit(results.some((r) => r.error) ? 1 : 0),
    (err) => {
      console.error('migrate failed', err);
      process.exit(1);
    },
  );
}
