import { DynamicModule, Module } from '@nestjs/common';
import { BusinessServiceModule } from '@crm/access';
import { MarketingConfig } from './config';
import { MARKETING_MIGRATIONS } from './migrations';
import { LEAD_ENTITIES, LeadsModule, leadConversionOutcomeConsumer } from './leads/leads.module';
import { transferMarketingRecords } from './leads/application/transfer-leads';
import { PoolsModule, customerLedgerConsumer } from './pools/pools.module';
import { PoolRulesModule } from './pools/pool-rules.module';
import { DuplicatesModule, duplicateIndexConsumer } from './duplicates/duplicates.module';
import { ImportsModule } from './imports/imports.module';

/** The marketing context: leads, lead and customer pools with their ownership ledger and rules, duplicate checks, imports. */
@Module({})
export class MarketingModule {
  static register(config: MarketingConfig): DynamicModule {
    return {
      module: MarketingModule,
      imports: [
        BusinessServiceModule.forRoot({ service: 'marketing', config, entities: [...LEAD_ENTITIES], migrations: MARKETING_MIGRATIONS, handover: transferMarketingRecords, consumers: [leadConversionOutcomeConsumer, customerLedgerConsumer, duplicateIndexConsumer] }),
        LeadsModule,
        PoolsModule,
        PoolRulesModule.register({ intervalSeconds: config.POOL_RULES_INTERVAL_SECONDS }),
        DuplicatesModule,
        ImportsModule.register({ maxBytes: config.IMPORT_MAX_BYTES, pollIntervalMs: config.IMPORT_POLL_INTERVAL_MS, batchSize: config.IMPORT_BATCH_SIZE }),
      ],
    };
  }
}
