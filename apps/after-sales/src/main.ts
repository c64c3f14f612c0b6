import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, runService } from '@crm/platform';
import { AfterSalesConfig, loadAfterSalesConfig } from './config';
import { AfterSalesModule } from './app.module';

export async function startAfterSales(config: AfterSalesConfig): Promise<NestFastifyApplication> {
  const app = await createServiceApp(AfterSalesModule.register(config), {
    name: 'after-sales',
    description: 'Service requests (work orders), engineers, fault library, product files and maintenance plans.',
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    logLevel: config.LOG_LEVEL,
  });
  await app.listen(config.PORT, config.HOST);
  return app;
}

if (require.main === module) runService('after-sales', () => loadAfterSalesConfig(), startAfterSales);
