import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import Fastify, { FastifyInstance } from 'fastify';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@crm/access';
import { PROBLEM_SCHEMA } from '@crm/platform';
import { freePort } from '@crm/testing';
import { loadGatewayConfig } from '../src/config';
import { startGateway } from '../src/main';
import { ServiceName } from '../src/routing/route-table';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** An RS256 key pair standing in for identity's signing key. */
export interface TestKeys {
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  jwk: JWK;
}

export async function makeKeys(kid = 'test-key'): Promise<TestKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** An access token as identity signs it; override claims or the expiry to make bad ones. */
export function signToken(keys: TestKeys, o: { expiresIn?: string | number; issuer?: string; audience?: string } = {}): Promise<string> {
  return new SignJWT({ tid: '0190a6e2-7b3c-7d4e-8f00-000000000001', tcode: 'demo', username: 'li.na', name: 'Li Na', dept: 'd1', roles: ['admin'] })
    .setProtectedHeader({ alg: 'RS256', kid: keys.jwk.kid })
    .setSubject('0190a6e2-7b3c-7d4e-8f00-000000000003')
    .setIssuer(o.issuer ?? TOKEN_ISSUER)
    .setAudience(o.audience ?? TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(o.expiresIn ?? '15m')
    .sign(keys.privateKey);
}

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function unsignedToken(): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', tid: 't', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now, exp: now + 600 })}.`;
}

/** What a fake service saw of a forwarded request, echoed as its response body. */
export interface Echo {
  service: ServiceName;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  bytes: number;
}

export interface FakeService {
  name: ServiceName;
  url: string;
  app: FastifyInstance;
  stop(): Promise<void>;
}

const pascal = (s: string) => s.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());

/** The OpenAPI document a fake service serves: its routes, plus a `ThingDto` whose shape differs per service (a name clash). */
function fakeDocument(name: ServiceName, paths: string[]) {
  const op = (p: string) => ({
    operationId: `${pascal(name)}_${p.split('/').filter(Boolean).slice(2).join('_').replace(/[{}.-]/g, '') || 'root'}`,
    tags: [p.split('/')[3] ?? 'misc'],
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } } } },
    security: [{ bearer: [] }],
  });
  return {
    openapi: '3.0.0',
    info: { title: `CRM ${name} service`, version: '1.0.0', description: `${name} things` },
    tags: [{ name: paths[0].split('/')[3] ?? 'misc', description: `${name} resource` }],
    paths: Object.fromEntries(paths.map((p) => [p, { get: op(p) }])),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        ThingDto: { type: 'object', properties: { [`${name.replace('-', '')}Id`]: { type: 'string' } } },
        Problem: PROBLEM_SCHEMA,
      },
    },
  };
}

const DOCUMENTED: Record<ServiceName, string[]> = {
  identity: ['/api/v1/me', '/api/v1/users', '/api/v1/users/{id}'],
  marketing: ['/api/v1/leads', '/api/v1/lead-pools/{id}/claims'],
  sales: ['/api/v1/customers', '/api/v1/customers/{id}', '/api/v1/not-routed-here'],
  'after-sales': ['/api/v1/service-requests'],
};

/**
 * A real HTTP server on a free port standing in for one service: `/openapi.json`, `/health/ready`,
 * identity's JWKS, and an echo of every `/api/v1/...` request (status from `?status=`); `POST`
 * with JSON is parsed, so malformed JSON gets the service's own 400. `.../hang` never answers.
 */
export async function startFakeService(name: ServiceName, o: { keys?: TestKeys; ready?: boolean; port?: number } = {}): Promise<FakeService> {
  const app = Fastify({ bodyLimit: 50 * 1024 * 1024 });
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.get('/openapi.json', async () => fakeDocument(name, DOCUMENTED[name]));
  app.get('/health/ready', async (_req, reply) =>
    o.ready === false
      ? reply.status(503).send({ status: 'down', checks: { database: { status: 'down', error: 'no answer in 2000 ms' } } })
      : { status: 'up', checks: { database: { status: 'up' }, broker: { status: 'up' } } },
  );
  if (o.keys) app.get('/.well-known/jwks.json', async () => ({ keys: [o.keys!.jwk] }));
  app.get('/api/v1/*', { exposeHeadRoute: true }, echo);
  app.get('/api/v1/customers/hang', () => new Promise(() => undefined));
  app.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/api/v1/*', handler: echo });
  async function echo(req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) {
    const status = Number((req.query as { status?: string }).status ?? 200);
    const bytes = Buffer.isBuffer(req.body) ? req.body.length : req.body === undefined ? 0 : JSON.stringify(req.body).length;
    const body: Echo = { service: name, method: req.method, url: req.url, headers: req.headers as Record<string, string>, body: Buffer.isBuffer(req.body) ? `<${req.body.length} bytes>` : req.body, bytes };
    return reply.status(status).header('x-upstream', name).header('set-cookie', 'a=1; Path=/').send(body);
  }
  await app.listen({ port: o.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    app,
    stop: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

/** A base URL where nothing listens: a service that is down. */
export async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

export interface TestGateway {
  app: NestFastifyApplication;
  url: string;
  stop(): Promise<void>;
}

/** The real gateway, in process, on a free port, configured through its validated config class. */
export async function startTestGateway(urls: Record<ServiceName, string>, env: Record<string, string> = {}): Promise<TestGateway> {
  const config = loadGatewayConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    JWKS_URL: `${urls.identity}/.well-known/jwks.json`,
    IDENTITY_URL: urls.identity,
    MARKETING_URL: urls.marketing,
    SALES_URL: urls.sales,
    AFTER_SALES_URL: urls['after-sales'],
    ...env,
  });
  const app = await startGateway(config);
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, stop: () => app.close() };
}

/** Validates an OpenAPI document with @seriousme/openapi-schema-validator (ESM only, so in a child process). */
export function validateOpenApi(document: unknown): { valid: boolean; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let text = '';
    process.stdin.on('data', (d) => (text += d)).on('end', async () => {
      const result = await new Validator().validate(JSON.parse(text));
      process.stdout.write(JSON.stringify(result));
    });`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, input: JSON.stringify(document) });
  return JSON.parse(out.toString());
}
