import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, runService } from '@crm/platform';
import { SalesConfig, loadSalesConfig } from './config';
import { SalesModule } from './app.module';

export async function startSales(config: SalesConfig): Promise<NestFastifyApplication> {
  const app = await createServiceApp(SalesModule.register(config), {
    name: 'sales',
    description: 'Customers, contacts, opportunities, sales methods, value scoring and sales activities.',
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    logLevel: config.LOG_LEVEL,
  });
  await app.listen(config.PORT, config.HOST);
  return app;
}

if (require.main === module) runService('sales', () => loadSalesConfig(), startSales);
