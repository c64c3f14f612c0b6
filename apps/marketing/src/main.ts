import 'reflect-metadata';
import multipart from '@fastify/multipart';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { runService, startService } from '@crm/platform';
import { MarketingConfig, loadMarketingConfig } from './config';
import { MarketingModule } from './app.module';

export const startMarketing = (config: MarketingConfig): Promise<NestFastifyApplication> =>
  startService(MarketingModule.register(config), config, {
    name: 'marketing',
    description: 'Leads, lead pools, customer public pools (公海池), campaigns, duplicate checks and imports.',
  }, async (app) => {
    // Uploads (imports) stream past the JSON body limit; the import route reads at most IMPORT_MAX_BYTES.
    await app.register(multipart, { limits: { fileSize: config.IMPORT_MAX_BYTES, files: 1 } });
  });

if (require.main === module) runService('marketing', () => loadMarketingConfig(), startMarketing);
