/**
 * Gateway overhead: `GET /api/v1/me` against a running system, through the gateway and directly to
 * identity, side by side in one run (same token, same connections, same duration).
 *
 *   npm start                                    # in another terminal
 *   CRM_ADMIN_PASSWORD=... npm run bench:gateway [-- --seconds 10 --connections 50 --warmup 2]
 *
 * Where: GATEWAY_URL and IDENTITY_URL, else `${CRM_DATA_DIR:-./.data}/runtime.json` (gatewayUrl),
 * and identity's address from the gateway's `/health`. Who: tenant CRM_TENANT (default demo),
 * user CRM_ADMIN_USERNAME (default admin), password CRM_ADMIN_PASSWORD.
 *
 * Prints requests/s, p50 and p99 latency for both, and gateway ÷ direct throughput (target ≥ 0.7).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2' },
    path: { type: 'string', default: '/api/v1/me' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const WARMUP_SECONDS = Number(values.warmup);
const PATH = values.path!;

interface Result {
  requests: number;
  errors: number;
  statuses: Record<number, number>;
  seconds: number;
  latenciesMs: Float64Array;
}

function runtimeInfo(): { gatewayUrl?: string | null; identityUrl?: string; serviceUrls?: Record<string, string> } {
  const file = path.resolve(process.env.CRM_DATA_DIR || './.data', 'runtime.json');
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- loosely read JSON of other services
async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function endpoints(): Promise<{ gateway: string; identity: string }> {
  const runtime = runtimeInfo();
  const gateway = process.env.GATEWAY_URL ?? runtime.gatewayUrl ?? undefined;
  if (!gateway) throw new Error('no gateway: set GATEWAY_URL, or start the system (npm start) so runtime.json names it');
  let identity = process.env.IDENTITY_URL ?? runtime.identityUrl ?? runtime.serviceUrls?.identity;
  if (!identity) {
    // The gateway's /health names every service's address.
    const { body } = await getJson(`${gateway}/health`);
    identity = body?.services?.identity?.url;
  }
  if (!identity) throw new Error('no identity address: set IDENTITY_URL');
  return { gateway: gateway.replace(/\/+$/, ''), identity: identity.replace(/\/+$/, '') };
}

async function login(gateway: string): Promise<string> {
  const password = process.env.CRM_ADMIN_PASSWORD;
  if (!password) throw new Error('set CRM_ADMIN_PASSWORD (the password of the admin user)');
  const credentials = { tenant: process.env.CRM_TENANT ?? 'demo', username: process.env.CRM_ADMIN_USERNAME ?? 'admin', password };
  const { status, body } = await getJson(`${gateway}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  if (status !== 200 || !body?.accessToken) throw new Error(`login failed: ${status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

/** `CONNECTIONS` loops, each with one request in flight on its own keep-alive connection, for `seconds`. */
async function load(origin: string, token: string, seconds: number): Promise<Result> {
  const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          const res = await pool.request({ method: 'GET', path: PATH, headers });
          await res.body.dump();
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode !== 200) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return { requests: latencies.length, errors, statuses, seconds: elapsed, latenciesMs: Float64Array.from(latencies).sort() };
}

const percentile = (sorted: Float64Array, p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

async function main(): Promise<void> {
  const { gateway, identity } = await endpoints();
  const token = await login(gateway);
  for (const [name, origin] of [['gateway', gateway], ['identity', identity]] as const) {
    const { status } = await getJson(`${origin}${PATH}`, { headers: { authorization: `Bearer ${token}` } });
    if (status !== 200) throw new Error(`GET ${origin}${PATH} (${name}) answered ${status}`);
  }
  await load(identity, token, WARMUP_SECONDS);
  await load(gateway, token, WARMUP_SECONDS);
  const direct = await load(identity, token, SECONDS);
  const through = await load(gateway, token, SECONDS);

  const rps = (r: Result) => r.requests / r.seconds;
  console.log(`gateway benchmark: GET ${PATH}, ${CONNECTIONS} connections, ${SECONDS} s each after ${WARMUP_SECONDS} s warm-up (node ${process.version})`);
  for (const [label, r] of [[`direct to identity  ${identity}`, direct], [`through the gateway ${gateway}`, through]] as const) {
    const figures = `${rps(r).toFixed(0).padStart(7)} req/s   p50 ${percentile(r.latenciesMs, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(r.latenciesMs, 99).toFixed(2).padStart(7)} ms`;
    console.log(`  ${label.padEnd(56)} ${figures}   ${r.requests} requests, ${r.errors} errors ${JSON.stringify(r.statuses)}`);
  }
  const ratio = rps(through) / rps(direct);
  console.log(`  gateway / direct throughput: ${ratio.toFixed(2)} (target >= 0.70)`);
  if (direct.errors || through.errors) process.exitCode = 1;
}

main().catch((err) => {
  console.error(`bench:gateway: ${(err as Error).message}`);
  process.exit(1);
});
