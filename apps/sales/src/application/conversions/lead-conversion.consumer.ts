import { EntityManager } from 'typeorm';
import { AuditActor } from '@crm/access';
import { CloudEvent, LeadConversionCompleted, LeadConversionFailed, LeadConversionRequested, LeadConversionRequestedData } from '@crm/contracts';
import { AppError } from '@crm/kernel';
import { ConsumerOptions, publishInTransaction } from '@crm/messaging';
import { assertDictionaryCodes } from '../../dictionaries/dictionaries.service';
import { createContactRecord } from '../contacts/contact-commands';
import { createCustomerRecord } from '../customers/create-customer.handler';
import { CustomerFields, findCustomer } from '../customers/customer-view';

/**
 * The customer a lead becomes. Leads carry source and industry as free text (marketing has no
 * dictionaries); rather than failing the conversion, a value that is not an enabled code of the
 * tenant's dictionary is left out and noted in the customer's remarks, where nothing is lost.
 */
export async function customerFromLead(m: EntityManager, d: LeadConversionRequestedData): Promise<{ input: CustomerFields; notes: string[] }> {
  const input: CustomerFields = { ...d.customer };
  const notes: string[] = [];
  try {
    await assertDictionaryCodes(m, d.tenantId, 'customer', input);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'DICTIONARY.INVALID_CODE') throw err;
    for (const { field } of err.errors) {
      const key = field as keyof CustomerFields;
      notes.push(`${field} '${String(input[key])}' is not a code of its dictionary`);
      Object.assign(input, { [key]: null });
    }
  }
  if (notes.length) {
    const note = `From lead ${d.leadCode}: ${notes.join('; ')}.`;
    input.remarks = input.remarks ? `${input.remarks}\n${note}` : note;
  }
  return { input, notes };
}

/**
 * Creates the customer and contact of a lead conversion, owned by the converting user, once per
 * conversion id: the row in lead_conversions is claimed first, in the consumer's transaction, so a
 * replayed or duplicated request (even under another event id) finds it and does nothing. A
 * business refusal (an AppError: invalid values) rolls back to a savepoint, creates nothing, and
 * is answered as failed; anything else fails the delivery, which the consumer retries.
 */
export async function convertLead(m: EntityManager, event: CloudEvent<LeadConversionRequestedData>): Promise<void> {
  const d = event.data;
  const claimed: unknown[] = await m.query(
    `INSERT INTO lead_conversions (conversion_id, tenant_id, lead_id, requested_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (conversion_id) DO NOTHING RETURNING conversion_id`,
    [d.conversionId, d.tenantId, d.leadId, d.actor.userId],
  );
  if (!claimed.length) return;
  const actor: AuditActor = { tenantId: d.tenantId, userId: d.actor.userId, requestId: d.actor.requestId, ip: d.actor.ip };
  const ref = { conversionId: d.conversionId, leadId: d.leadId, tenantId: d.tenantId };
  try {
    const done = await m.transaction(async (t) => {
      const { input, notes } = await customerFromLead(t, d);
      const customer = await createCustomerRecord(t, actor, input);
      const contact = await createContactRecord(t, actor, (await findCustomer(t, d.tenantId, customer.id))!, d.contact);
      return { customerId: customer.id, contactId: contact.id, notes };
    });
    await m.query("UPDATE lead_conversions SET outcome = 'completed', customer_id = $2, contact_id = $3 WHERE conversion_id = $1", [d.conversionId, done.customerId, done.contactId]);
    await publishInTransaction(m, LeadConversionCompleted, { tenantId: d.tenantId, subject: d.leadId, data: { ...ref, ...done, opportunityId: null } });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const reason = [err.message, ...err.errors.map((e) => `${e.field}: ${e.message}`)].join(' ');
    await m.query("UPDATE lead_conversions SET outcome = 'failed', failure_code = $2 WHERE conversion_id = $1", [d.conversionId, err.code]);
    await publishInTransaction(m, LeadConversionFailed, { tenantId: d.tenantId, subject: d.leadId, data: { ...ref, code: err.code, reason } });
  }
}

/** Sales' side of the lead conversion conversation: marketing's requests, on its lead topic. */
export const leadConversionConsumer: Omit<ConsumerOptions, 'log'> = {
  name: 'lead-conversion',
  topics: [LeadConversionRequested.topic],
  handlers: { [LeadConversionRequested.type]: (event, m) => convertLead(m, event) },
};
