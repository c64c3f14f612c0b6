import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, runService } from '@crm/platform';
import { IdentityConfig, loadIdentityConfig } from './config';
import { IdentityModule } from './app.module';

export async function startIdentity(config: IdentityConfig): Promise<NestFastifyApplication> {
  const app = await createServiceApp(IdentityModule.register(config), {
    name: 'identity',
    description: 'Organisations (tenants), users, departments, roles, sign-in and access tokens.',
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    logLevel: config.LOG_LEVEL,
  });
  await app.listen(config.PORT, config.HOST);
  return app;
}

if (require.main === module) runService('identity', () => loadIdentityConfig(), startIdentity);
