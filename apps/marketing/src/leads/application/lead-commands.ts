import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { LeadCreated, LeadDeleted, LeadUpdated } from '@crm/contracts';
import { NumberingRule, newId } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { nextCode } from '@crm/persistence';
import { RequestContext, requireRecordAccess } from '@crm/access';
import { SettableStatus, checkChangeable, checkTransition } from '../domain/lead-status';
import { LeadConversionEntity } from '../infrastructure/lead-conversion.entity';
import { LeadEntity } from '../infrastructure/lead.entity';
import { audit } from './audit';
import { recordLeadForDuplicates } from '../../duplicates/application/lead-duplicates';
import { LeadFields, LeadView, OPTIONAL_LEAD_FIELDS, accessRef, findLead, latestConversion, leadNotFound, ruleError, toLeadData, toLeadView } from './lead-view';

/** `XS-20250328-0001`: the serial restarts every day (UTC). */
export const LEAD_NUMBERING: NumberingRule = { prefix: 'XS', datePattern: 'YYYYMMDD', serialDigits: 4, reset: 'daily', separator: '-' };

/**
 * The live lead the caller may edit, locked, with its latest conversion: 404 outside their view
 * scope, 403 when they may only view it.
 */
export async function leadToChange(m: EntityManager, ctx: RequestContext, id: string): Promise<{ lead: LeadEntity; conversion: LeadConversionEntity | null }> {
  const lead = await findLead(m, ctx.caller.tenantId, id, { lock: true });
  if (!lead) throw leadNotFound();
  await requireRecordAccess(m, ctx, 'lead', accessRef(lead), 'edit', leadNotFound);
  return { lead, conversion: await latestConversion(m, lead.id) };
}

export const isPending = (c: LeadConversionEntity | null) => c?.status === 'pending';

/** Writes the changed columns, then the event and the audit entry, in the caller's transaction. */
export async function saveLeadChange(m: EntityManager, who: RequestContext, lead: LeadEntity, changes: Partial<LeadEntity>, conversion: LeadConversionEntity | null): Promise<LeadView> {
  const before = toLeadData(lead);
  const now = new Date();
  Object.assign(lead, changes, { updatedAt: now, updatedBy: who.caller.userId });
  await m.getRepository(LeadEntity).update({ id: lead.id, tenantId: lead.tenantId }, { ...changes, updatedAt: now, updatedBy: who.caller.userId });
  const after = toLeadData(lead);
  await publishInTransaction(m, LeadUpdated, { tenantId: lead.tenantId, subject: lead.id, data: after, traceparent: who.traceparent });
  await audit(m, who, { objectType: 'lead', objectId: lead.id, action: 'update', before, after });
  return toLeadView(lead, conversion);
}

/** The caller becomes the owner; the lead starts `new`. */
@Injectable()
export class CreateLeadHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, input: LeadFields): Promise<LeadView> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const now = new Date();
      const lead = m.getRepository(LeadEntity).create({
        id: newId(),
        tenantId,
        code: await nextCode(m, tenantId, 'lead', LEAD_NUMBERING, now),
        company: input.company,
        name: input.name,
        ...Object.fromEntries(OPTIONAL_LEAD_FIELDS.map((f) => [f, input[f] ?? null])),
        tags: input.tags ?? [],
        status: 'new',
        ownerId: userId,
        poolId: null,
        customerId: null,
        contactId: null,
        convertedAt: null,
        lastFollowUpAt: null,
        createdBy: userId,
        updatedBy: userId,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      });
      await m.getRepository(LeadEntity).insert(lead);
      const data = toLeadData(lead);
      await publishInTransaction(m, LeadCreated, { tenantId, subject: lead.id, data, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'lead', objectId: lead.id, action: 'create', after: data });
      // Duplicate check and index (查重): 409 DUPLICATE.BLOCKED rolls the lead back; warnings come with it.
      return { ...toLeadView(lead, null), ...(await recordLeadForDuplicates(m, ctx, lead)) };
    });
  }
}

/** Absent fields stay as they are; `null` clears an optional one. Converted and converting leads are read-only. */
export type UpdateLeadInput = Partial<LeadFields>;

@Injectable()
export class UpdateLeadHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string, input: UpdateLeadInput): Promise<LeadView> {
    return this.dataSource.transaction(async (m) => {
      const { lead, conversion } = await leadToChange(m, ctx, id);
      const blocked = checkChangeable({ status: lead.status, conversionPending: isPending(conversion) });
      if (blocked) throw ruleError(blocked);
      const changes: Partial<LeadEntity> = {};
      for (const key of ['company', 'name', 'tags', ...OPTIONAL_LEAD_FIELDS] as const) {
        if (input[key] !== undefined) Object.assign(changes, { [key]: input[key] });
      }
      const before = { ...lead };
      const view = await saveLeadChange(m, ctx, lead, changes, conversion);
      return { ...view, ...(await recordLeadForDuplicates(m, ctx, lead, before)) };
    });
  }
}

/** By hand: following or invalid (see domain/lead-status for the allowed moves). */
@Injectable()
export class ChangeLeadStatusHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string, status: SettableStatus): Promise<LeadView> {
    return this.dataSource.transaction(async (m) => {
      const { lead, conversion } = await leadToChange(m, ctx, id);
      const blocked = checkTransition({ status: lead.status, conversionPending: isPending(conversion) }, status);
      if (blocked) throw ruleError(blocked);
      if (lead.status === status) return toLeadView(lead, conversion);
      return saveLeadChange(m, ctx, lead, { status }, conversion);
    });
  }
}

/** A soft delete; converted leads stay (they are the record of where a customer came from), converting ones wait. */
@Injectable()
export class DeleteLeadHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string): Promise<void> {
    const { userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const { lead, conversion } = await leadToChange(m, ctx, id);
      const blocked = checkChangeable({ status: lead.status, conversionPending: isPending(conversion) });
      if (blocked) throw ruleError(blocked);
      const before = toLeadData(lead);
      const now = new Date();
      Object.assign(lead, { deletedAt: now, updatedAt: now, updatedBy: userId });
      await m.getRepository(LeadEntity).update({ id: lead.id, tenantId: lead.tenantId }, { deletedAt: now, updatedAt: now, updatedBy: userId });
      const after = toLeadData(lead);
      await publishInTransaction(m, LeadDeleted, { tenantId: lead.tenantId, subject: lead.id, data: after, traceparent: ctx.traceparent });
      await audit(m, ctx, { objectType: 'lead', objectId: lead.id, action: 'delete', before, after });
    });
  }
}
