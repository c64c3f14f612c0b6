import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '@crm/platform';
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

if (require.main === module) {
  let config: AfterSalesConfig;
  try {
    config = loadAfterSalesConfig();
  } catch (err) {
    console.error(`after-sales: ${(err as Error).message}`);
    process.exit(1);
  }
  startAfterSales(config).catch((err) => {
    console.error('after-sales failed to start', err);
    process.exit(1);
  });
}
