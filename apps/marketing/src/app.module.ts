import { DynamicModule, Module } from '@nestjs/common';
import { BusinessServiceModule } from '@crm/access';
import { MarketingConfig } from './config';
import { MARKETING_MIGRATIONS } from './migrations';

/** The marketing context: leads, lead pools, customer pools, campaigns (coming next); today its org projection. */
@Module({})
export class MarketingModule {
  static register(config: MarketingConfig): DynamicModule {
    return {
      module: MarketingModule,
      imports: [BusinessServiceModule.forRoot({ service: 'marketing', config, entities: [], migrations: MARKETING_MIGRATIONS })],
    };
  }
}
