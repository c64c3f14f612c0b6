import { Controller, Get, Module, Post } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Public, buildOpenApi, createServiceApp } from '@crm/platform';
import { AnySignedInUser, AuthGuard, Caller, DataScoped, PoolAccess, RequireRoles, TOKEN_VERIFIER } from '../src';

@Controller('dictionaries')
@RequireRoles('admin')
class DictionariesController {
  @Get()
  list() {
    return [];
  }

  @Get('mine')
  @RequireRoles('admin', 'dept-manager')
  mine() {
    return [];
  }
}

@Controller('customers')
class CustomersController {
  @Get()
  @DataScoped('customer', 'query')
  list() {
    return [];
  }

  @Post()
  @AnySignedInUser()
  create() {
    return {};
  }

  @Post(':id/restore')
  @DataScoped('customer', 'edit', { record: 'path', deleted: true })
  restore() {
    return {};
  }

  @Get('recycle-bin')
  @DataScoped(['customer', 'contact'], 'edit', { deleted: true, objectFrom: 'query.object' })
  recycleBin() {
    return [];
  }

  @Get(':id/ownership-history')
  @PoolAccess('customer-owner')
  history() {
    return [];
  }

  @Get('open')
  @Public()
  open() {
    return {};
  }
}

const caller: Caller = { userId: 'u', tenantId: 't', tenantCode: 't', username: 'u', name: 'u', departmentId: 'd', roleCodes: ['admin'] };

@Module({
  controllers: [DictionariesController, CustomersController],
  providers: [{ provide: TOKEN_VERIFIER, useValue: async () => caller }, { provide: APP_GUARD, useClass: AuthGuard }],
})
class TestModule {}

describe('access rules in the OpenAPI document', () => {
  let app: NestFastifyApplication;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let paths: Record<string, Record<string, any>>;

  beforeAll(async () => {
    const o = { name: 'test', description: 'test', bodyLimitBytes: 1024, logLevel: 'silent' as const, serveOpenApi: false };
    app = await createServiceApp(TestModule, o);
    await app.init();
    paths = buildOpenApi(app, o).paths as typeof paths;
  });
  afterAll(() => app?.close());

  it('publishes @RequireRoles on the class for every route, and a method\u2019s own list over it', () => {
    expect(paths['/dictionaries'].get['x-required-roles']).toEqual(['admin']);
    expect(paths['/dictionaries/mine'].get['x-required-roles']).toEqual(['admin', 'dept-manager']);
  });

  it('publishes data scopes and open-to-everyone operations, and nothing on others', () => {
    expect(paths['/customers'].get['x-data-scope']).toEqual({ object: 'customer', action: 'query' });
    expect(paths['/customers/{id}/restore'].post['x-data-scope']).toEqual({ object: 'customer', action: 'edit', record: 'path', deleted: true });
    expect(paths['/customers/recycle-bin'].get['x-data-scope']).toEqual({ object: ['customer', 'contact'], action: 'edit', deleted: true, objectFrom: 'query.object' });
    expect(paths['/customers'].post['x-access']).toBe('authenticated');
    expect(paths['/customers/{id}/ownership-history'].get['x-pool-access']).toBe('customer-owner');
    for (const key of ['x-data-scope', 'x-access', 'x-required-roles', 'x-pool-access']) expect(paths['/customers/open'].get).not.toHaveProperty(key);
  });
});
