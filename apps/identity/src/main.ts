import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { runService, startService } from '@crm/platform';
import { IdentityConfig, loadIdentityConfig } from './config';
import { IdentityModule } from './app.module';

export const startIdentity = (config: IdentityConfig): Promise<NestFastifyApplication> =>
  startService(IdentityModule.register(config), config, {
    name: 'identity',
    description: 'Organisations (tenants), users, departments, roles, sign-in and access tokens.',
  });

if (require.main === module) runService('identity', () => loadIdentityConfig(), startIdentity);
