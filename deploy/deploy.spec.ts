/**
 * The deployment files, checked by parsing them (no Docker engine or cluster needed): every
 * service is in docker-compose.yml and in deploy/k8s with its port and every variable it needs,
 * only the gateway is reachable from outside, probes and limits are set, Kafka is single-node
 * KRaft. `kubectl kustomize` runs too when kubectl is on PATH.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '..');
const K8S = path.join(__dirname, 'k8s');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

interface App {
  name: string;
  port: number;
  database?: string;
  /** What the system conventions say it reads (APP selects the service in the image). */
  env: string[];
}

const COMMON = ['APP', 'PORT', 'HOST', 'LOG_LEVEL', 'BODY_LIMIT_BYTES'];
const BUSINESS = [...COMMON, 'DATABASE_URL', 'KAFKA_BROKERS'];
const APPS: App[] = [
  { name: 'gateway', port: 3000, env: [...COMMON, 'JWKS_URL', 'IDENTITY_URL', 'MARKETING_URL', 'SALES_URL', 'AFTER_SALES_URL', 'LOGIN_RATE_LIMIT_PER_MINUTE'] },
  { name: 'identity', port: 3001, database: 'crm_identity', env: [...BUSINESS, 'ACCESS_TOKEN_TTL_SECONDS', 'REFRESH_TOKEN_TTL_SECONDS', 'CRM_ADMIN_PASSWORD'] },
  { name: 'marketing', port: 3002, database: 'crm_marketing', env: [...BUSINESS, 'JWKS_URL'] },
  { name: 'sales', port: 3003, database: 'crm_sales', env: [...BUSINESS, 'JWKS_URL'] },
  { name: 'after-sales', port: 3004, database: 'crm_after_sales', env: [...BUSINESS, 'JWKS_URL'] },
];
const JWKS_URL = 'http://identity:3001/.well-known/jwks.json';
const UPSTREAMS: Record<string, string> = {
  IDENTITY_URL: 'http://identity:3001',
  MARKETING_URL: 'http://marketing:3002',
  SALES_URL: 'http://sales:3003',
  AFTER_SALES_URL: 'http://after-sales:3004',
};

/**
 * Settings an app's config class requires (no default), asked of the class itself: loading it from
 * an empty environment fails naming each of them (inherited settings included).
 */
function requiredByConfigClass(app: string): string[] {
  const file = path.join(ROOT, 'apps', app, 'src', 'config.ts');
  if (!fs.existsSync(file)) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as Record<string, unknown>;
  const load = Object.entries(mod).find(([name, v]) => /^load\w+Config$/.test(name) && typeof v === 'function')?.[1] as (env: object) => unknown;
  try {
    load({});
    return [];
  } catch (err) {
    return [...(err as Error).message.matchAll(/^\s+([A-Z][A-Z0-9_]*)=null:/gm)].map((m) => m[1]);
  }
}

const requiredEnv = (app: App) => [...new Set([...app.env, ...requiredByConfigClass(app.name)])];

describe('docker-compose.yml', () => {
  const compose: Obj = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
  const services: Obj = compose.services;
  /** `environment` as a map, whichever form the file uses. */
  const envOf = (s: Obj): Record<string, string> =>
    Array.isArray(s.environment)
      ? Object.fromEntries(s.environment.map((e: string) => [e.split('=')[0], e.split('=').slice(1).join('=')]))
      : Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));

  it('has the five services, Kafka and PostgreSQL', () => {
    expect(Object.keys(services).sort()).toEqual([...APPS.map((a) => a.name), 'kafka', 'postgres'].sort());
  });

  it.each(APPS)('$name is built from deploy/Dockerfile, runs as APP=$name on port $port', (app) => {
    const s = services[app.name];
    expect(s.build).toMatchObject({ context: '.', dockerfile: 'deploy/Dockerfile' });
    expect(s.build.args?.APP ?? envOf(s).APP).toBe(app.name);
    expect(envOf(s).APP ?? app.name).toBe(app.name);
    expect(envOf(s).PORT).toBe(String(app.port));
  });

  it.each(APPS)('$name has every variable it needs', (app) => {
    const env = envOf(services[app.name]);
    const missing = requiredEnv(app).filter((k) => !(k in env));
    expect(missing).toEqual([]);
  });

  it.each(APPS.filter((a) => a.database))('$name has its own database on the postgres service, and the broker', (app) => {
    const env = envOf(services[app.name]);
    const url = new URL(env.DATABASE_URL.replace(/\$\{[^}]+\}/g, 'x'));
    expect([url.hostname, url.port, url.pathname]).toEqual(['postgres', '5432', `/${app.database}`]);
    expect(env.KAFKA_BROKERS).toBe('kafka:9092');
  });

  it('wires the JWKS and upstream URLs to the services by name', () => {
    for (const app of APPS.filter((a) => a.env.includes('JWKS_URL'))) expect(envOf(services[app.name]).JWKS_URL).toBe(JWKS_URL);
    expect(envOf(services.gateway)).toMatchObject(UPSTREAMS);
    expect(envOf(services.gateway)).not.toHaveProperty('DATABASE_URL');
    expect(envOf(services.gateway)).not.toHaveProperty('KAFKA_BROKERS');
  });

  it('takes CRM_ADMIN_PASSWORD from the environment, with a local default', () => {
    expect(envOf(services.identity).CRM_ADMIN_PASSWORD).toMatch(/^\$\{CRM_ADMIN_PASSWORD:-.+\}$/);
  });

  it('publishes the gateway on 3000 and nothing else', () => {
    const published = Object.entries(services).filter(([, s]) => s.ports?.length).map(([name, s]) => [name, s.ports.map(String)]);
    expect(published).toEqual([['gateway', ['3000:3000']]]);
  });

  it('starts services once their dependencies are healthy, and checks their readiness', () => {
    for (const app of APPS) {
      const s = services[app.name];
      const deps: Obj = s.depends_on;
      const expected = app.name === 'gateway' ? APPS.filter((a) => a.name !== 'gateway').map((a) => a.name) : app.name === 'identity' ? ['postgres', 'kafka'] : ['postgres', 'kafka', 'identity'];
      expect(Object.keys(deps).sort()).toEqual(expected.sort());
      for (const d of Object.values(deps)) expect(d.condition).toBe('service_healthy');
      expect(JSON.stringify(s.healthcheck.test)).toContain(`:${app.port}/health/ready`);
    }
    expect(services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(services.kafka.healthcheck.test.join(' ')).toContain('kafka:9092');
  });

  it('runs PostgreSQL 16 and Apache Kafka 3.9.0 in KRaft mode, one node', () => {
    expect(services.postgres.image).toBe('postgres:16');
    const kafka = services.kafka;
    expect(kafka.image).toBe('apache/kafka:3.9.0');
    const env = envOf(kafka);
    expect(env).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    });
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:9093`);
    expect(env.KAFKA_LISTENERS).toContain('CONTROLLER://:9093');
    expect(Object.keys(env).filter((k) => /ZOOKEEPER/.test(k))).toEqual([]);
  });
});

describe('deploy/Dockerfile', () => {
  const text = fs.readFileSync(path.join(__dirname, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));

  it('builds on node:20-bookworm-slim in stages: npm ci, build, then prune dev dependencies', () => {
    expect(lines.filter((l) => /^FROM /.test(l)).map((l) => l.split(/\s+/)[1])).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    expect(at(/npm ci/)).toBeGreaterThan(-1);
    expect(at(/npm run build/)).toBeGreaterThan(at(/npm ci/));
    expect(at(/npm prune --omit=dev/)).toBeGreaterThanOrEqual(at(/npm run build/));
  });

  it('runs the service APP names as a non-root user, from dist/', () => {
    expect(text).toMatch(/^ARG APP/m);
    expect(text).toMatch(/^ENV APP=\$\{APP\}/m);
    for (const p of ['dist', 'node_modules', 'package.json']) expect(text).toMatch(new RegExp(`^COPY --from=build /app/${p} `, 'm'));
    const user = /^USER (\S+)/m.exec(text)?.[1] ?? 'root';
    expect(user.split(':')[0]).toMatch(/^[1-9]\d*$/); // numeric, so runAsNonRoot can verify it
    expect(/^CMD .*/m.exec(text)?.[0]).toContain('node dist/apps/$APP/src/main.js');
  });
});

describe('deploy/k8s', () => {
  const kustomization: Obj = parse(fs.readFileSync(path.join(K8S, 'kustomization.yaml'), 'utf8'));
  const resources: string[] = kustomization.resources;
  const docs: Obj[] = resources
    .filter((r) => fs.existsSync(path.join(K8S, r)))
    .flatMap((r) =>
      parseAllDocuments(fs.readFileSync(path.join(K8S, r), 'utf8'))
        .map((d) => d.toJS())
        .filter(Boolean),
    );
  const ofKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const named = (kind: string, name: string) => ofKind(kind).find((d) => d.metadata.name === name);
  const configMaps = ofKind('ConfigMap');
  const secrets = ofKind('Secret');
  const keysOf = (d: Obj | undefined) => Object.keys({ ...d?.data, ...d?.stringData });

  /** Every variable a container gets, with where it comes from; unresolvable references are reported. */
  function containerEnv(c: Obj): { names: Set<string>; broken: string[] } {
    const names = new Set<string>();
    const broken: string[] = [];
    for (const from of c.envFrom ?? []) {
      const ref = from.configMapRef ?? from.secretRef;
      const source = from.configMapRef ? named('ConfigMap', ref.name) : named('Secret', ref.name);
      if (!source) broken.push(`envFrom ${ref.name}: no such ${from.configMapRef ? 'ConfigMap' : 'Secret'}`);
      for (const k of keysOf(source)) names.add(`${from.prefix ?? ''}${k}`);
    }
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
      if (ref) {
        const source = e.valueFrom.secretKeyRef ? named('Secret', ref.name) : named('ConfigMap', ref.name);
        if (!keysOf(source).includes(ref.key)) broken.push(`${e.name}: ${ref.name} has no key ${ref.key}`);
      }
      names.add(e.name);
    }
    return { names, broken };
  }

  it('lists resources that exist, in namespace crm', () => {
    expect(resources.filter((r) => !fs.existsSync(path.join(K8S, r)))).toEqual([]);
    expect(kustomization.namespace).toBe('crm');
    expect(ofKind('Namespace').map((n) => n.metadata.name)).toEqual(['crm']);
    expect(configMaps).toHaveLength(1);
    expect(secrets).toHaveLength(1);
  });

  it('keeps only clearly marked placeholders in the Secret', () => {
    const values = Object.entries({ ...secrets[0].stringData, ...secrets[0].data });
    expect(values.filter(([, v]) => !String(v).includes('CHANGE-ME')).map(([k]) => k)).toEqual([]);
  });

  it('has one Deployment and one ClusterIP Service per service, and nothing else of those kinds', () => {
    expect(ofKind('Deployment').map((d) => d.metadata.name).sort()).toEqual(APPS.map((a) => a.name).sort());
    expect(ofKind('Service').map((d) => d.metadata.name).sort()).toEqual(APPS.map((a) => a.name).sort());
  });

  describe.each(APPS)('$name', (app) => {
    const deployment = () => named('Deployment', app.name)!;
    const container = () => deployment().spec.template.spec.containers[0];
    /** A probe's or Service's port: a number, or the name of a container port. */
    const portNumber = (p: number | string) => (typeof p === 'number' ? p : container().ports.find((cp: Obj) => cp.name === p)?.containerPort);

    it('runs crm-backend:latest with APP and its container port', () => {
      const c = container();
      expect(c.image).toBe('crm-backend:latest');
      expect(c.env.find((e: Obj) => e.name === 'APP')?.value).toBe(app.name);
      expect(c.env.find((e: Obj) => e.name === 'PORT')?.value).toBe(String(app.port));
      expect(c.ports.map((p: Obj) => p.containerPort)).toEqual([app.port]);
    });

    it('gets every variable it needs from the ConfigMap, the Secret or its own env', () => {
      const { names, broken } = containerEnv(container());
      expect(broken).toEqual([]);
      expect(requiredEnv(app).filter((k) => !names.has(k))).toEqual([]);
      if (app.name === 'gateway') expect(names.has('DATABASE_URL')).toBe(false);
    });

    it('takes its DATABASE_URL from the Secret, pointing at its own database', () => {
      if (!app.database) return;
      const ref = container().env.find((e: Obj) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
      expect(ref).toBeDefined();
      const url = String(secrets[0].stringData[ref.key]);
      expect(new URL(url).pathname).toBe(`/${app.database}`);
    });

    it('probes /health/ready and /health/live on the container port', () => {
      const c = container();
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
      expect(portNumber(c.readinessProbe.httpGet.port)).toBe(app.port);
      expect(portNumber(c.livenessProbe.httpGet.port)).toBe(app.port);
    });

    it('has resource requests and limits, and runs as non-root', () => {
      const c = container();
      for (const kind of ['requests', 'limits']) {
        expect(c.resources?.[kind]?.cpu).toBeDefined();
        expect(c.resources?.[kind]?.memory).toBeDefined();
      }
      const pod = deployment().spec.template.spec;
      expect(c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot).toBe(true);
    });

    it('is exposed by a ClusterIP Service on its port, selecting its pods', () => {
      const svc = named('Service', app.name)!;
      expect(svc.spec.type ?? 'ClusterIP').toBe('ClusterIP');
      expect(svc.spec.ports.map((p: Obj) => p.port)).toEqual([app.port]);
      expect(portNumber(svc.spec.ports[0].targetPort ?? svc.spec.ports[0].port)).toBe(app.port);
      const podLabels = deployment().spec.template.metadata.labels;
      expect(podLabels).toMatchObject(svc.spec.selector);
      expect(deployment().spec.selector.matchLabels).toEqual(svc.spec.selector);
    });
  });

  it('points JWKS_URL and the gateway upstream URLs at the Services by name and port', () => {
    const data = configMaps[0].data;
    expect(data.JWKS_URL).toBe(JWKS_URL);
    expect(data).toMatchObject(UPSTREAMS);
  });

  it('lets in only the gateway, through one Ingress', () => {
    expect(ofKind('Service').filter((s) => (s.spec.type ?? 'ClusterIP') !== 'ClusterIP')).toEqual([]);
    const ingresses = ofKind('Ingress');
    expect(ingresses).toHaveLength(1);
    const backends = [ingresses[0].spec.defaultBackend, ...ingresses[0].spec.rules.flatMap((r: Obj) => r.http.paths.map((p: Obj) => p.backend))].filter(Boolean);
    expect(backends.length).toBeGreaterThan(0);
    for (const b of backends) expect(b.service).toEqual({ name: 'gateway', port: { number: 3000 } });
  });

  it('has a migration Job running dist/tools/migrate.js with every database URL', () => {
    const jobs = ofKind('Job');
    expect(jobs).toHaveLength(1);
    const c = jobs[0].spec.template.spec.containers[0];
    expect(c.image).toBe('crm-backend:latest');
    expect([...(c.command ?? []), ...(c.args ?? [])].join(' ')).toBe('node dist/tools/migrate.js');
    const { names, broken } = containerEnv(c);
    expect(broken).toEqual([]);
    expect(['IDENTITY_DATABASE_URL', 'MARKETING_DATABASE_URL', 'SALES_DATABASE_URL', 'AFTER_SALES_DATABASE_URL'].filter((k) => !names.has(k))).toEqual([]);
    expect(c.resources?.limits).toBeDefined();
    expect(c.securityContext?.runAsNonRoot ?? jobs[0].spec.template.spec.securityContext?.runAsNonRoot).toBe(true);
  });

  it('renders with `kubectl kustomize` (when kubectl is installed)', () => {
    const kubectl = spawnSync('kubectl', ['kustomize', K8S], { encoding: 'utf8', timeout: 30_000 });
    if ((kubectl.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      console.log('kubectl is not on PATH: skipped rendering deploy/k8s with `kubectl kustomize`');
      return;
    }
    expect(kubectl.stderr).toBe('');
    expect(kubectl.status).toBe(0);
    const rendered = parseAllDocuments(kubectl.stdout).map((d) => d.toJS() as Obj);
    expect(rendered).toHaveLength(docs.length);
    for (const d of rendered.filter((r) => r.kind !== 'Namespace')) expect(d.metadata.namespace).toBe('crm');
  });
});
