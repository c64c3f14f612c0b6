import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase, withDatabase } from '@crm/persistence';
import { startEmbeddedPostgres } from '@crm/testing';

export interface BenchDatabase {
  url: string;
  /** Drops what the benchmark made: the embedded server and its files, or the database on `DATABASE_URL`'s server. */
  stop(): Promise<void>;
}

/** A fresh database `crm_bench_<label>_<random>`: on `DATABASE_URL`'s server if set, else on an embedded PostgreSQL in a temp dir. */
export async function benchDatabase(label: string): Promise<BenchDatabase> {
  const external = process.env.DATABASE_URL;
  let dataDir: string | undefined;
  let serverUrl = external;
  let stopServer = async () => {};
  if (!serverUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `crm-bench-${label}-`));
    fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as 'postgres' and must enter it
    const server = await startEmbeddedPostgres({ dataDir, persistent: false });
    serverUrl = server.url;
    stopServer = server.stop;
  }
  const url = withDatabase(serverUrl, `crm_bench_${label.replace(/-/g, '_')}_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(url);
  return {
    url,
    async stop() {
      if (dataDir) {
        await stopServer();
        fs.rmSync(dataDir, { recursive: true, force: true });
        return;
      }
      const admin = new Client({ connectionString: external });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
