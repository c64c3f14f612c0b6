import { buildAsyncApi } from '@crm/contracts';
import { SERVICES, ServiceName } from '../src/routing/route-table';
import { FakeService, TestGateway, deadUrl, makeKeys, startFakeService, startTestGateway, validateOpenApi } from './support';

interface Doc {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, { tags: string[]; operationId: string; responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme: string }> };
  tags: { name: string }[];
  'x-tagGroups': { name: string; tags: string[] }[];
  'x-unavailable-services': string[];
}

describe('gateway documents and health', () => {
  const services = new Map<ServiceName, FakeService>();
  let afterSalesPort: number;
  let gateway: TestGateway;

  beforeAll(async () => {
    const keys = await makeKeys();
    for (const name of ['identity', 'marketing', 'sales'] as const) services.set(name, await startFakeService(name, { keys }));
    const afterSales = await deadUrl();
    afterSalesPort = Number(new URL(afterSales).port);
    gateway = await startTestGateway({ identity: services.get('identity')!.url, marketing: services.get('marketing')!.url, sales: services.get('sales')!.url, 'after-sales': afterSales });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([...services.values()].map((s) => s.stop()));
  });

  const get = (path: string) => fetch(`${gateway.url}${path}`);

  it('serves one valid OpenAPI 3 document while a service is down, naming the missing one', async () => {
    const res = await get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(validateOpenApi(doc)).toEqual({ valid: true });
    expect(validateOpenApi({ ...doc, info: {} }).valid).toBe(false); // the validator does reject
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(doc['x-unavailable-services']).toEqual(['after-sales']);
    expect(doc.info.description).toContain('after-sales');
    for (const path of ['/api/v1/me', '/api/v1/users', '/api/v1/users/{id}', '/api/v1/leads', '/api/v1/lead-pools/{id}/claims', '/api/v1/customers', '/api/v1/customers/{id}']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/v1/service-requests']).toBeUndefined();
    // Paths the route table does not send to that service are not reachable here, so not documented.
    expect(doc.paths['/api/v1/not-routed-here']).toBeUndefined();
    // The gateway's own operations.
    for (const path of ['/health', '/health/live', '/openapi.json', '/asyncapi.json']) expect(doc.paths[path]?.get).toBeDefined();
  });

  it('prefixes clashing component names by service, keeps shared ones once, and adds bearer auth and Problem', async () => {
    const doc = (await (await get('/openapi.json')).json()) as Doc;
    const schemas = Object.keys(doc.components.schemas).sort();
    expect(schemas).toEqual(['MarketingThingDto', 'Problem', 'SalesThingDto', 'ThingDto']);
    expect(doc.components.schemas.ThingDto).toEqual({ type: 'object', properties: { identityId: { type: 'string' } } });
    expect(doc.components.schemas.SalesThingDto).toEqual({ type: 'object', properties: { salesId: { type: 'string' } } });
    expect(doc.paths['/api/v1/customers'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/SalesThingDto');
    expect(doc.paths['/api/v1/leads'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/MarketingThingDto');
    expect(doc.paths['/api/v1/me'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/ThingDto');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/customers'].get.tags).toEqual(['sales/customers']);
    expect(doc['x-tagGroups'].map((g) => g.name)).toEqual(['gateway', 'identity', 'marketing', 'sales']);
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('fetches a service again once it is back up', async () => {
    const afterSales = await startFakeService('after-sales', { port: afterSalesPort });
    try {
      const doc = (await (await get('/openapi.json')).json()) as Doc;
      expect(doc['x-unavailable-services']).toEqual([]);
      expect(doc.paths['/api/v1/service-requests']).toBeDefined();
      expect(validateOpenApi(doc)).toEqual({ valid: true });
    } finally {
      await afterSales.stop();
    }
  });

  it('serves Swagger UI at /docs, loading /openapi.json', async () => {
    const page = await get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("url: '/openapi.json'");
    for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/swagger-ui-standalone-preset.js']) {
      expect(html).toContain(asset);
      const res = await get(asset);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      await res.arrayBuffer();
    }
  });

  it('serves the AsyncAPI document of @crm/contracts', async () => {
    const res = await get('/asyncapi.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(buildAsyncApi())));
  });

  it('aggregates readiness: degraded (503) while one service is down, up (200) when all are', async () => {
    const degraded = await get('/health');
    expect(degraded.status).toBe(503);
    const body = (await degraded.json()) as { status: string; services: Record<string, { status: string; url: string; checks: Record<string, unknown>; error?: string }> };
    expect(body.status).toBe('degraded');
    expect(Object.keys(body.services).sort()).toEqual(['gateway', ...SERVICES].sort());
    expect(body.services.sales).toEqual({ status: 'up', url: services.get('sales')!.url, checks: { database: { status: 'up' }, broker: { status: 'up' } } });
    expect(body.services['after-sales']).toMatchObject({ status: 'down', url: `http://127.0.0.1:${afterSalesPort}`, checks: {} });
    expect(body.services['after-sales'].error).toBeTruthy();

    const afterSales = await startFakeService('after-sales', { port: afterSalesPort });
    try {
      const up = await get('/health');
      expect(up.status).toBe(200);
      expect(((await up.json()) as { status: string }).status).toBe('up');
    } finally {
      await afterSales.stop();
    }
    expect(await (await get('/health/live')).json()).toEqual({ status: 'up' });
  });
});

describe('gateway health when services are unhealthy or all gone', () => {
  it('reports a service whose readiness check fails as down, and all down as down', async () => {
    const sick = await startFakeService('sales', { ready: false });
    const dead = await deadUrl();
    const gateway = await startTestGateway({ identity: dead, marketing: dead, sales: sick.url, 'after-sales': dead });
    try {
      const res = await fetch(`${gateway.url}/health`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; services: Record<string, { status: string; checks: Record<string, unknown> }> };
      expect(body.status).toBe('down');
      expect(body.services.sales).toMatchObject({ status: 'down', checks: { database: { status: 'down' } } });
      const doc = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as Doc;
      expect(doc['x-unavailable-services']).toEqual(['identity', 'marketing', 'after-sales']);
      expect(validateOpenApi(doc)).toEqual({ valid: true });
    } finally {
      await gateway.stop();
      await sick.stop();
    }
  });
});
