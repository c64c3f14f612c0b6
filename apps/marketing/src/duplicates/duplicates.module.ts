import { Module } from '@nestjs/common';
import { DuplicateRulesController, DuplicatesController, LeadDuplicateWarningsController } from './api/duplicates.controller';
import { CheckDuplicatesHandler } from './application/check-duplicates';
import { DuplicateRulesService } from './application/duplicate-rules';
import { LeadDuplicateWarningsQuery } from './application/lead-duplicates';

export { duplicateIndexConsumer } from './application/duplicate-index.consumer';
export { indexLeads, recordLeadForDuplicates } from './application/lead-duplicates';
export type { LeadLike } from './application/lead-duplicates';
export { checkDuplicates } from './application/check-duplicates';
export { Duplicates1700000004000 } from './infrastructure/duplicates.migration';

/**
 * Duplicate checks (查重): the tenant's rules, the check, and the index of leads (kept by the lead
 * handlers), customers and contacts (projected from sales' events) it searches.
 */
@Module({
  controllers: [DuplicateRulesController, DuplicatesController, LeadDuplicateWarningsController],
  providers: [DuplicateRulesService, CheckDuplicatesHandler, LeadDuplicateWarningsQuery],
})
export class DuplicatesModule {}
