import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { runService, startService } from '@crm/platform';
import { AfterSalesConfig, loadAfterSalesConfig } from './config';
import { AfterSalesModule } from './app.module';

export const startAfterSales = (config: AfterSalesConfig): Promise<NestFastifyApplication> =>
  startService(AfterSalesModule.register(config), config, {
    name: 'after-sales',
    description: 'Service requests (work orders), engineers, fault library, product files and maintenance plans.',
  });

if (require.main === module) runService('after-sales', () => loadAfterSalesConfig(), startAfterSales);
