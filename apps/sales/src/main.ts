import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { runService, startService } from '@crm/platform';
import { SalesConfig, loadSalesConfig } from './config';
import { SalesModule } from './app.module';

export const startSales = (config: SalesConfig): Promise<NestFastifyApplication> =>
  startService(SalesModule.register(config), config, {
    name: 'sales',
    description: 'Customers, contacts, opportunities, sales methods, value scoring and sales activities.',
  });

if (require.main === module) runService('sales', () => loadSalesConfig(), startSales);
