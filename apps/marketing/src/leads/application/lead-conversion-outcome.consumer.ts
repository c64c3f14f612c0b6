import { EntityManager } from 'typeorm';
import { AuditActor } from '@crm/access';
import { CloudEvent, LeadConversionCompleted, LeadConversionCompletedData, LeadConversionFailed, LeadConversionFailedData, LeadUpdated } from '@crm/contracts';
import { ConsumerOptions, publishInTransaction } from '@crm/messaging';
import { LeadConversionEntity } from '../infrastructure/lead-conversion.entity';
import { LeadEntity } from '../infrastructure/lead.entity';
import { audit } from './audit';
import { toLeadData } from './lead-view';

/** The pending conversion the answer is about, locked; null when it was answered before (a duplicate answer changes nothing). */
async function pendingConversion(m: EntityManager, tenantId: string, conversionId: string): Promise<LeadConversionEntity | null> {
  return m
    .getRepository(LeadConversionEntity)
    .createQueryBuilder('c')
    .where('c.id = :conversionId AND c.tenantId = :tenantId AND c.status = :pending', { conversionId, tenantId, pending: 'pending' })
    .setLock('pessimistic_write')
    .getOne();
}

/** Sales created the records: the conversion completes and the lead becomes `converted`, linked to them. */
export async function completeConversion(m: EntityManager, event: CloudEvent<LeadConversionCompletedData>): Promise<void> {
  const d = event.data;
  const conversion = await pendingConversion(m, d.tenantId, d.conversionId);
  if (!conversion) return;
  const now = new Date();
  await m.getRepository(LeadConversionEntity).update(
    { id: conversion.id },
    { status: 'completed', customerId: d.customerId, contactId: d.contactId, notes: d.notes, finishedAt: now },
  );
  const lead = await m.getRepository(LeadEntity).findOne({ where: { id: d.leadId, tenantId: d.tenantId }, lock: { mode: 'pessimistic_write' } });
  if (!lead) return;
  const before = toLeadData(lead);
  const changes = { status: 'converted' as const, customerId: d.customerId, contactId: d.contactId, convertedAt: now, updatedAt: now, updatedBy: conversion.requestedBy };
  Object.assign(lead, changes);
  await m.getRepository(LeadEntity).update({ id: lead.id }, changes);
  const after = toLeadData(lead);
  const actor: AuditActor = { tenantId: d.tenantId, userId: conversion.requestedBy };
  await publishInTransaction(m, LeadUpdated, { tenantId: d.tenantId, subject: lead.id, data: after });
  await audit(m, actor, { objectType: 'lead', objectId: lead.id, action: 'update', before, after });
}

/** Sales created nothing: the conversion shows why; the lead stays as it was and may be converted again. */
export async function failConversion(m: EntityManager, event: CloudEvent<LeadConversionFailedData>): Promise<void> {
  const d = event.data;
  const conversion = await pendingConversion(m, d.tenantId, d.conversionId);
  if (!conversion) return;
  await m.getRepository(LeadConversionEntity).update({ id: conversion.id }, { status: 'failed', failureCode: d.code, failureReason: d.reason, finishedAt: new Date() });
}

/** Marketing's side of the conversion conversation: sales' answers. */
export const leadConversionOutcomeConsumer: Omit<ConsumerOptions, 'log'> = {
  name: 'lead-conversion-outcome',
  topics: [LeadConversionCompleted.topic],
  handlers: {
    [LeadConversionCompleted.type]: (event, m) => completeConversion(m, event),
    [LeadConversionFailed.type]: (event, m) => failConversion(m, event),
  },
};
