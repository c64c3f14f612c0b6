import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, runService } from '@crm/platform';
import { MarketingConfig, loadMarketingConfig } from './config';
import { MarketingModule } from './app.module';

export async function startMarketing(config: MarketingConfig): Promise<NestFastifyApplication> {
  const app = await createServiceApp(MarketingModule.register(config), {
    name: 'marketing',
    description: 'Leads, lead pools, customer public pools (公海池), campaigns, duplicate checks and imports.',
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    logLevel: config.LOG_LEVEL,
  });
  await app.listen(config.PORT, config.HOST);
  return app;
}

if (require.main === module) runService('marketing', () => loadMarketingConfig(), startMarketing);
