import { Module } from '@nestjs/common';
import { LeadsController } from './api/leads.controller';
import { ConvertLeadHandler } from './application/convert-lead.handler';
import { ChangeLeadStatusHandler, CreateLeadHandler, DeleteLeadHandler, UpdateLeadHandler } from './application/lead-commands';
import { RecordLeadFollowUpHandler } from './application/lead-follow-ups';
import { LeadQueries } from './application/lead-queries';

/** Leads (线索): CRUD, status rules, follow-ups and conversion into a sales customer and contact. */
@Module({
  controllers: [LeadsController],
  providers: [LeadQueries, CreateLeadHandler, UpdateLeadHandler, ChangeLeadStatusHandler, DeleteLeadHandler, RecordLeadFollowUpHandler, ConvertLeadHandler],
})
export class LeadsModule {}

export { LEAD_ENTITIES } from './infrastructure/entities';
export { leadConversionOutcomeConsumer } from './application/lead-conversion-outcome.consumer';
