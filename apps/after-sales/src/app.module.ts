import { DynamicModule, Module } from '@nestjs/common';
import { BusinessServiceModule } from '@crm/access';
import { AfterSalesConfig } from './config';
import { AFTER_SALES_MIGRATIONS } from './migrations';

/** The after-sales context: service requests, faults, product files (coming next); today its org projection. */
@Module({})
export class AfterSalesModule {
  static register(config: AfterSalesConfig): DynamicModule {
    return {
      module: AfterSalesModule,
      imports: [BusinessServiceModule.forRoot({ service: 'after-sales', config, entities: [], migrations: AFTER_SALES_MIGRATIONS })],
    };
  }
}
