/**
 * Cold start and idle memory of the whole system as `npm start` runs it.
 *
 *   npm run bench:platform [-- --idle-seconds 15]
 *
 * Builds, starts the launcher on a fresh data directory (first start: embedded PostgreSQL is
 * initialised too) and measures the time to its `ready` line; restarts it on the same data
 * (warm start); then lets the system idle and reads each service's resident memory from /proc.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'idle-seconds': { type: 'string', default: '15' } } });
const root = path.join(__dirname, '..');

function startLauncher(dataDir: string): { child: ChildProcess; ready: Promise<number>; output: () => string } {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'dist', 'tools', 'start.js')], {
    cwd: root,
    env: { ...process.env, CRM_DATA_DIR: dataDir, PORT: '0', CRM_ADMIN_PASSWORD: 'bench-Admin-password-1', DATABASE_URL: '', KAFKA_BROKERS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      if (/\bready\b/.test(out)) {
        clearInterval(timer);
        resolve(Date.now() - started);
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`launcher exited with ${code}:\n${out.slice(-3000)}`));
    });
  });
  return { child, ready, output: () => out };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** RSS in MB of the launcher's child processes that run a service, by service name. */
function serviceRss(launcherPid: number): Record<string, number> {
  const out = execFileSync('ps', ['-o', 'pid=,rss=,args=', '--ppid', String(launcherPid)], { encoding: 'utf8' });
  const rss: Record<string, number> = {};
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+.*dist\/apps\/([\w-]+)\/src\/main\.js/.exec(line);
    if (m) rss[m[3]] = Number(m[2]) / 1024;
  }
  return rss;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [path.join(root, 'tools', 'build.js')], { stdio: 'ignore' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-'));
  fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as 'postgres' and must enter it
  const cold = startLauncher(dataDir);
  const coldMs = await cold.ready;
  await stop(cold.child);

  const warm = startLauncher(dataDir);
  const warmMs = await warm.ready;
  await new Promise((r) => setTimeout(r, Number(values['idle-seconds']) * 1000));
  const rss = serviceRss(warm.child.pid!);
  await stop(warm.child);
  fs.rmSync(dataDir, { recursive: true, force: true });

  console.log(`platform benchmark (node ${process.version}, ${os.cpus().length} cores)`);
  console.log(`  cold start (fresh data dir, PostgreSQL initdb) to ready   ${(coldMs / 1000).toFixed(1)} s`);
  console.log(`  warm start (existing data dir) to ready                  ${(warmMs / 1000).toFixed(1)} s`);
  console.log(`  idle RSS after ${values['idle-seconds']} s (target <= 150 MB each):`);
  for (const [name, mb] of Object.entries(rss).sort()) console.log(`    ${name.padEnd(12)} ${mb.toFixed(0).padStart(4)} MB${mb > 150 ? '  OVER TARGET' : ''}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
