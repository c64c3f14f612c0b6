import { DynamicModule, Module } from '@nestjs/common';
import { BusinessServiceModule } from '@crm/access';
import { SalesConfig } from './config';
import { SALES_MIGRATIONS } from './migrations';

/** The sales context: customers, contacts, opportunities (coming next); today its org projection. */
@Module({})
export class SalesModule {
  static register(config: SalesConfig): DynamicModule {
    return {
      module: SalesModule,
      imports: [BusinessServiceModule.forRoot({ service: 'sales', config, entities: [], migrations: SALES_MIGRATIONS })],
    };
  }
}
