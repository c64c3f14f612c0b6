import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { newId } from '@crm/kernel';
import { checkChangeable, statusAfterFollowUp } from '../domain/lead-status';
import { LeadFollowUpEntity, LeadFollowUpType } from '../infrastructure/lead-follow-up.entity';
import { audit } from './audit';
import { isPending, leadToChange, saveLeadChange } from './lead-commands';
import { ruleError } from './lead-view';

export interface LeadFollowUpView {
  id: string;
  tenantId: string;
  leadId: string;
  ownerId: string;
  type: LeadFollowUpType;
  content: string;
  time: string;
  createdAt: string;
}

export const toLeadFollowUpView = (f: LeadFollowUpEntity): LeadFollowUpView => ({
  id: f.id,
  tenantId: f.tenantId,
  leadId: f.leadId,
  ownerId: f.ownerId,
  type: f.type,
  content: f.content,
  time: f.time.toISOString(),
  createdAt: f.createdAt.toISOString(),
});

export interface RecordLeadFollowUpInput {
  type: LeadFollowUpType;
  content: string;
  time?: string;
}

/**
 * A follow-up on a lead the caller may edit (its author owns it). The first one on a new lead
 * moves it to `following`; every one stamps the lead's last follow-up time (the pools' clock).
 */
@Injectable()
export class RecordLeadFollowUpHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, leadId: string, input: RecordLeadFollowUpInput): Promise<LeadFollowUpView> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const { lead, conversion } = await leadToChange(m, ctx, leadId);
      const blocked = checkChangeable({ status: lead.status, conversionPending: isPending(conversion) });
      if (blocked) throw ruleError(blocked);
      const now = new Date();
      const followUp = m.getRepository(LeadFollowUpEntity).create({
        id: newId(),
        tenantId,
        leadId: lead.id,
        ownerId: userId,
        type: input.type,
        content: input.content,
        time: input.time ? new Date(input.time) : now,
        createdAt: now,
      });
      await m.getRepository(LeadFollowUpEntity).insert(followUp);
      const view = toLeadFollowUpView(followUp);
      await audit(m, ctx, { objectType: 'lead-follow-up', objectId: followUp.id, action: 'create', after: view });
      const last = lead.lastFollowUpAt && lead.lastFollowUpAt > followUp.time ? lead.lastFollowUpAt : followUp.time;
      await saveLeadChange(m, ctx, lead, { status: statusAfterFollowUp(lead.status), lastFollowUpAt: last }, conversion);
      return view;
    });
  }
}
