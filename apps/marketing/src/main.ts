import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { runService, startService } from '@crm/platform';
import { MarketingConfig, loadMarketingConfig } from './config';
import { MarketingModule } from './app.module';

export const startMarketing = (config: MarketingConfig): Promise<NestFastifyApplication> =>
  startService(MarketingModule.register(config), config, {
    name: 'marketing',
    description: 'Leads, lead pools, customer public pools (公海池), campaigns, duplicate checks and imports.',
  });

if (require.main === module) runService('marketing', () => loadMarketingConfig(), startMarketing);
