import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from '@crm/testing';

const ROOT = path.resolve(__dirname, '..');
const built = (app: string) => fs.existsSync(path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js'));

interface Launch {
  child: ChildProcess;
  output: () => string;
  lines: () => string[];
  waitFor: (pattern: RegExp, ms: number) => Promise<void>;
  exit: Promise<number | null>;
}

/** `node dist/tools/start.js` as a user runs it, in its own process group so a Ctrl-C can be sent to the group. */
function launch(env: NodeJS.ProcessEnv): Launch {
  const base = { ...process.env };
  for (const key of ['DATABASE_URL', 'KAFKA_BROKERS', 'CRM_ADMIN_PASSWORD', 'PORT', 'HOST', 'LOG_LEVEL']) delete base[key];
  const child = spawn(process.execPath, ['dist/tools/start.js'], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, ms: number) => {
    const deadline = Date.now() + ms;
    while (!pattern.test(out)) {
      if (child.exitCode !== null) throw new Error(`the launcher exited (${child.exitCode}) before ${pattern}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, output: () => out, lines: () => out.split('\n'), waitFor, exit };
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const portOpen = (address: string) =>
  new Promise<boolean>((resolve) => {
    const [host, port] = address.split(':');
    const socket = net.connect(Number(port), host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('npm start (tools/start.ts)', () => {
  // Directly under the temp dir: as root, PostgreSQL runs as `postgres`, which must reach its data.
  const dataDir = path.join(os.tmpdir(), `crm-start-test-${randomBytes(4).toString('hex')}`);
  const running: Launch[] = [];

  beforeAll(() => {
    execFileSync(process.execPath, ['tools/build.js'], { cwd: ROOT, stdio: 'ignore' });
  });
  afterAll(async () => {
    for (const l of running) if (l.child.exitCode === null) l.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts everything on a fresh data dir, prints the admin password once and "ready", and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const started = Date.now();
    const l = launch({ CRM_DATA_DIR: dataDir, PORT: String(port) });
    running.push(l);
    await l.waitFor(/ready/, 90_000);
    console.log(`cold start to "ready": ${((Date.now() - started) / 1000).toFixed(1)} s`);

    expect(l.lines().filter((line) => line.includes('ready'))).toHaveLength(1);
    const password = /^admin password: (\S+)/m.exec(l.output())?.[1];
    expect(password).toMatch(/^\S{12,}$/);
    const kafka = /Kafka bootstrap (127\.0\.0\.1:\d+)/.exec(l.output())?.[1];
    expect(kafka).toBeDefined();
    expect(kafka).not.toBe('127.0.0.1:9092');

    const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8'));
    expect(Object.keys(runtime).sort()).toEqual(['databaseUrls', 'gatewayUrl', 'kafkaBrokers']);
    expect(runtime.kafkaBrokers).toEqual([kafka]);
    expect(Object.keys(runtime.databaseUrls).sort()).toEqual(['after-sales', 'identity', 'marketing', 'sales']);
    expect(runtime.databaseUrls['after-sales']).toMatch(/\/crm_after_sales$/);
    expect(JSON.stringify(runtime)).not.toContain(password!);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'kafka'))).toBe(true);

    if (built('gateway')) {
      expect(runtime.gatewayUrl).toBe(`http://localhost:${port}`);
      expect(l.output()).toContain(`gateway http://localhost:${port}`);
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
    }
    // Leave a trace in sales' database, to find it again on the next start.
    const sales = new Client({ connectionString: runtime.databaseUrls.sales });
    await sales.connect();
    await sales.query('CREATE TABLE launcher_test (note text)');
    await sales.query("INSERT INTO launcher_test VALUES ('first start')");
    await sales.end();

    l.child.kill('SIGTERM');
    expect(await within(l.exit, 30_000, 'exit after SIGTERM')).toBe(0);
    expect(l.output()).toMatch(/crm: stopped\n/);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(await portOpen(kafka!)).toBe(false);
  }, 150_000);

  it('reuses the data dir on the next start (no new password) and stops cleanly on a Ctrl-C to its process group', async () => {
    const port = await freePort();
    const started = Date.now();
    const l = launch({ CRM_DATA_DIR: dataDir, PORT: String(port) });
    running.push(l);
    await l.waitFor(/ready/, 90_000);
    console.log(`warm start to "ready": ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(l.output()).not.toMatch(/password/i);

    const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8'));
    const sales = new Client({ connectionString: runtime.databaseUrls.sales });
    await sales.connect();
    expect((await sales.query('SELECT note FROM launcher_test')).rows).toEqual([{ note: 'first start' }]);
    await sales.end();
    if (built('gateway')) expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    process.kill(-l.child.pid!, 'SIGINT'); // what a terminal's Ctrl-C does: the launcher and embedded PostgreSQL get it
    expect(await within(l.exit, 30_000, 'exit after Ctrl-C')).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 150_000);

  it('exits non-zero with the last log lines of a service that dies at start', async () => {
    const dir = path.join(os.tmpdir(), `crm-start-fail-${randomBytes(4).toString('hex')}`);
    const unused = await freePort();
    // Servers that are never reached: every service refuses its config first.
    const l = launch({
      CRM_DATA_DIR: dir,
      PORT: String(await freePort()),
      DATABASE_URL: `postgres://nobody:none@127.0.0.1:${unused}/postgres`,
      KAFKA_BROKERS: `127.0.0.1:${unused}`,
      BODY_LIMIT_BYTES: '1',
    });
    running.push(l);
    try {
      expect(await within(l.exit, 60_000, 'exit after a service died')).toBe(1);
      expect(l.output()).toMatch(/crm: \S+ exited \(code 1\); its last log lines:/);
      expect(l.output()).toContain('BODY_LIMIT_BYTES');
      expect(l.output()).not.toContain('ready');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
