import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { unauthenticated } from '@crm/kernel';
import { Public, createServiceApp } from '@crm/platform';
import { AuthGuard, Caller, RequireRoles, TOKEN_VERIFIER, TokenVerifier } from '../src';

@Controller('dictionaries')
@RequireRoles('admin')
class DictionariesController {
  @Get()
  list() {
    return { items: [] };
  }

  @Get('mine')
  @RequireRoles('admin', 'dept-manager')
  mine() {
    return { items: [] };
  }
}

@Controller('open')
class OpenController {
  @Get()
  @Public()
  open() {
    return { ok: true };
  }
}

/** Tokens are role lists here: `admin.dept-manager`; the signature check is token-verifier's business. */
const verifier: TokenVerifier = async (token) => {
  if (token === 'bad') throw unauthenticated('AUTH.TOKEN_INVALID', 'The access token is not valid.');
  return { userId: 'u', tenantId: 't', tenantCode: 't', username: 'u', name: 'u', departmentId: 'd', roleCodes: token === 'none' ? [] : token.split('.') } satisfies Caller;
};

@Module({
  controllers: [DictionariesController, OpenController],
  providers: [{ provide: TOKEN_VERIFIER, useValue: verifier }, { provide: APP_GUARD, useClass: AuthGuard }],
})
class TestModule {}

describe('@RequireRoles: function permissions', () => {
  let app: NestFastifyApplication;
  const get = async (url: string, token?: string) => {
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.statusCode, type: res.headers['content-type'], body: res.json() };
  };

  beforeAll(async () => {
    app = await createServiceApp(TestModule, { name: 'test', description: 'test', bodyLimitBytes: 1024, logLevel: 'silent', serveOpenApi: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app?.close());

  it('lets a caller holding a required role through', async () => {
    expect((await get('/dictionaries', 'account-manager.admin')).status).toBe(200);
    expect((await get('/dictionaries/mine', 'dept-manager')).status).toBe(200);
  });

  it('answers 403 AUTH.FORBIDDEN as problem+json to others', async () => {
    for (const [url, token] of [['/dictionaries', 'dept-manager'], ['/dictionaries', 'none'], ['/dictionaries/mine', 'account-manager']]) {
      const res = await get(url, token);
      expect(res.status).toBe(403);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 403, code: 'AUTH.FORBIDDEN' });
    }
  });

  it('still authenticates first, and leaves public routes alone', async () => {
    expect((await get('/dictionaries')).body.code).toBe('AUTH.TOKEN_MISSING');
    expect((await get('/dictionaries', 'bad')).body.code).toBe('AUTH.TOKEN_INVALID');
    expect((await get('/open')).status).toBe(200);
  });
});
