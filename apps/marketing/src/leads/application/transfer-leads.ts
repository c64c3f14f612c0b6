import { HandoverTransfer, transferOwned } from '@crm/access';
import { LeadUpdated } from '@crm/contracts';
import { LeadEntity } from '../infrastructure/lead.entity';
import { audit } from './audit';
import { toLeadData } from './lead-view';

/**
 * The marketing part of a handover: the leaver's leads. Pooled customers follow sales' owner
 * changes through the ledger, so they need nothing here.
 */
export const transferMarketingRecords: HandoverTransfer = async (m, job, actor) => ({
  lead: await transferOwned(m, audit, { object: 'lead', entity: LeadEntity, view: toLeadData, updated: LeadUpdated, stampsEditor: true }, job, actor),
});
