/**
 * Spreadsheet import throughput (issue 5's benchmark): a 100,000-row lead CSV, end to end.
 *
 *   npm run bench:imports [-- --rows 100000 --bad 1 --batch 2000]
 *
 * Starts PostgreSQL (DATABASE_URL's server if set, else an embedded one in a temp dir), the embedded
 * broker and the real marketing service in-process (compiled as `npm start` runs it), generates a
 * CSV of `rows` leads (`bad` percent of them invalid), uploads it with a signed token and polls the
 * job until it completes: rows/s from the upload to `completed` (every lead inserted with its
 * XS- code, `lead.created` event and audit entry in the outbox; the relay publishes meanwhile),
 * the upload and processing parts, and a re-upload of the same file (answers the same job).
 * Target: >= 10,000 rows/s.
 */
import 'reflect-metadata';
import { benchDatabase } from './support';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { DataSource } from 'typeorm';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@crm/access';
import { startBroker } from '@crm/kafka-broker';
import type { loadMarketingConfig as LoadMarketingConfig } from '../apps/marketing/src/config';
import type { startMarketing as StartMarketing } from '../apps/marketing/src/main';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, bad: { type: 'string', default: '1' }, batch: { type: 'string', default: '2000' } } });
const ROWS = Number(values.rows);
const BAD_PERCENT = Number(values.bad);
const TENANT = randomUUID();
const USER = randomUUID();
const TARGET = 10_000;

function csvOf(rows: number): { file: Buffer; bad: number } {
  const lines = ['\ufeff公司名称 company,联系人姓名 name,电话 phone,邮箱 email,来源 source,地区 region,行业 industry,标签 tags,备注 remarks'];
  let bad = 0;
  const every = BAD_PERCENT > 0 ? Math.round(100 / BAD_PERCENT) : 0;
  for (let i = 0; i < rows; i++) {
    const invalid = every > 0 && i % every === every - 1;
    if (invalid) bad++;
    const email = invalid ? 'not-an-email' : `lead${i}@bench.example.com`;
    lines.push(`"宁波基准机械有限公司 ${i}",联系人${i},+86 139 ${String(i).padStart(8, '0')},${email},exhibition,浙江/宁波,manufacturing,"a,b",`);
  }
  return { file: Buffer.from(lines.join('\r\n') + '\r\n'), bad };
}

async function main(): Promise<void> {
  const database = await benchDatabase('imports');
  const { url } = database;
  const broker = await startBroker({ port: 0 });

  const keys = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const jwks = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));

  // The service as `npm start` runs it: compiled by swc, which emits the decorator metadata Nest's
  // dependency injection reads (tsx's esbuild does not).
  const root = path.resolve(__dirname, '..');
  /* eslint-disable @typescript-eslint/no-require-imports */
  await (require(path.join(root, 'tools', 'build.js')) as { build(): Promise<unknown> }).build();
  const { startMarketing } = require(path.join(root, 'dist/apps/marketing/src/main.js')) as { startMarketing: typeof StartMarketing };
  const { loadMarketingConfig } = require(path.join(root, 'dist/apps/marketing/src/config.js')) as { loadMarketingConfig: typeof LoadMarketingConfig };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = await startMarketing(
    loadMarketingConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: url,
      KAFKA_BROKERS: broker.address,
      JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
      LOG_LEVEL: 'silent',
      IMPORT_MAX_BYTES: String(50 * 1024 * 1024),
      IMPORT_BATCH_SIZE: values.batch,
    }),
  );
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const ds = app.get(DataSource);
  const token = await new SignJWT({ tid: TENANT, tcode: 'bench', username: 'importer', name: 'Importer', dept: randomUUID(), roles: ['account-manager'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
    .setSubject(USER)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(keys.privateKey);
  const upload = async (file: Buffer) => {
    const form = new FormData();
    form.append('object', 'lead');
    form.append('file', new Blob([file]), 'bench.csv');
    const res = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const body = (await res.json()) as { id: string; status: string };
    if (res.status >= 300) throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`);
    return { status: res.status, body };
  };
  type Job = { status: string; total: number; succeeded: number; failed: number; startedAt: string; finishedAt: string; failureReason: string | null };
  const job = async (id: string): Promise<Job> => (await (await fetch(`${base}/api/v1/imports/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Job;

  try {
    const version = (await ds.query('SHOW server_version'))[0].server_version;
    const { file, bad } = csvOf(ROWS);
    console.log(`import benchmark (node ${process.version}, PostgreSQL ${version}, ${os.cpus().length} cores)`);
    const load = os.loadavg()[0].toFixed(2);
    console.log(`  ${ROWS.toLocaleString('en')}-row lead CSV, ${(file.length / 1024 / 1024).toFixed(1)} MB, ${bad.toLocaleString('en')} invalid rows, batches of ${values.batch} rows; machine load average ${load} at the start`);

    const t0 = process.hrtime.bigint();
    const { status, body } = await upload(file);
    const uploadedMs = Number(process.hrtime.bigint() - t0) / 1e6;
    let done: Job;
    for (;;) {
      done = await job(body.id);
      if (done.status === 'completed' || done.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const totalMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (done.status !== 'completed') throw new Error(`the job failed: ${done.failureReason}`);
    const processingMs = Date.parse(done.finishedAt) - Date.parse(done.startedAt);
    const leads = Number((await ds.query('SELECT count(*) FROM leads WHERE tenant_id = $1', [TENANT]))[0].count);
    const events = Number((await ds.query("SELECT count(*) FROM outbox WHERE event->>'tenantid' = $1", [TENANT]))[0].count);
    const rate = ROWS / (totalMs / 1000);
    console.log(`  upload (${status}, file stored, job queued): ${uploadedMs.toFixed(0)} ms`);
    console.log(`  processing (worker: parse, validate, duplicate hook, codes, INSERT, events, audit): ${processingMs.toFixed(0)} ms`);
    console.log(`  end to end (upload to completed): ${(totalMs / 1000).toFixed(2)} s = ${Math.round(rate).toLocaleString('en')} rows/s`);
    console.log(`  result: ${done.succeeded.toLocaleString('en')} imported, ${done.failed.toLocaleString('en')} reported; ${leads.toLocaleString('en')} leads and ${events.toLocaleString('en')} outbox events (lead.created + audit) in the database`);
    if (done.succeeded !== ROWS - bad || leads !== ROWS - bad) console.log('  COUNTS WRONG');

    const t1 = process.hrtime.bigint();
    const again = await upload(file);
    const againMs = Number(process.hrtime.bigint() - t1) / 1e6;
    const after = Number((await ds.query('SELECT count(*) FROM leads WHERE tenant_id = $1', [TENANT]))[0].count);
    console.log(`  re-upload of the same file: ${again.status}, ${again.body.id === body.id ? 'the same job' : 'A NEW JOB'}, ${after - leads} leads added, ${againMs.toFixed(0)} ms`);
    console.log(`  target (>= ${TARGET.toLocaleString('en')} rows/s end to end): ${rate >= TARGET ? 'met' : 'NOT met'} (${Math.round(rate).toLocaleString('en')} rows/s)`);
  } finally {
    await app.close();
    await new Promise((r) => jwks.close(r));
    await broker.stop();
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
