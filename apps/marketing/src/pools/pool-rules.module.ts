import { DynamicModule, Module } from '@nestjs/common';
import { PoolRulesController } from './api/pool-rules.controller';
import { POOL_RULES_OPTIONS, PoolRulesJob, PoolRulesOptions } from './application/pool-rules.job';
import { PoolStatusQuery } from './application/pool-status.query';
import { RecyclePreviewQuery } from './application/recycle-preview';

export { PoolRules1700000003100 } from './infrastructure/pool-rules.migration';

/** The customer pools' rules engine: reminders and recycling on a timer, its preview, a customer's pool status. */
@Module({})
export class PoolRulesModule {
  static register(options: PoolRulesOptions): DynamicModule {
    return {
      module: PoolRulesModule,
      controllers: [PoolRulesController],
      providers: [{ provide: POOL_RULES_OPTIONS, useValue: options }, PoolRulesJob, RecyclePreviewQuery, PoolStatusQuery],
      exports: [PoolRulesJob],
    };
  }
}
