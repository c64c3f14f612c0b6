import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { LeadConversionRequested, LeadConversionRequestedData } from '@crm/contracts';
import { newId } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { checkConvertible } from '../domain/lead-status';
import { LeadConversionEntity } from '../infrastructure/lead-conversion.entity';
import { LeadEntity } from '../infrastructure/lead.entity';
import { isPending, leadToChange } from './lead-commands';
import { ConversionView, ruleError, toConversionView } from './lead-view';

/** What the converting user may change of what the lead gives the customer and the contact. */
export interface ConvertLeadInput {
  customer?: Partial<Omit<LeadConversionRequestedData['customer'], 'name'>> & { name?: string };
  contact?: Partial<LeadConversionRequestedData['contact']>;
  createOpportunity?: boolean;
}

/** The customer and contact a lead becomes: the lead's values, the caller's overrides on top. */
export function conversionRecords(lead: LeadEntity, input: ConvertLeadInput): Pick<LeadConversionRequestedData, 'customer' | 'contact'> {
  const customer = {
    name: lead.company,
    phone: lead.phone,
    email: lead.email,
    source: lead.source,
    region: lead.region,
    industry: lead.industry,
    tags: lead.tags,
    remarks: lead.remarks,
  };
  const contact = { name: lead.name, title: null, phones: lead.phone ? [lead.phone] : [], email: lead.email };
  const defined = <T extends object>(o: T | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined));
  return { customer: { ...customer, ...defined(input.customer) }, contact: { ...contact, ...defined(input.contact) } };
}

/**
 * Asks sales to turn a lead into a customer and a contact: records a pending conversion and
 * publishes the request in the same transaction. While one is pending, asking again answers it
 * (`created: false`), never a second; a converted lead answers 409 LEAD.ALREADY_CONVERTED; a failed
 * conversion may be retried (a new conversion id).
 */
@Injectable()
export class ConvertLeadHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, leadId: string, input: ConvertLeadInput): Promise<{ conversion: ConversionView; created: boolean }> {
    const { tenantId, userId } = ctx.caller;
    return this.dataSource.transaction(async (m) => {
      const { lead, conversion: latest } = await leadToChange(m, ctx, leadId);
      if (isPending(latest)) return { conversion: toConversionView(latest!), created: false };
      const blocked = checkConvertible({ status: lead.status, conversionPending: false });
      if (blocked) throw ruleError(blocked);
      const conversion = m.getRepository(LeadConversionEntity).create({
        id: newId(),
        tenantId,
        leadId: lead.id,
        status: 'pending',
        requestedBy: userId,
        createOpportunity: input.createOpportunity ?? false,
        customerId: null,
        contactId: null,
        failureCode: null,
        failureReason: null,
        notes: [],
        requestedAt: new Date(),
        finishedAt: null,
      });
      await m.getRepository(LeadConversionEntity).insert(conversion);
      await publishInTransaction(m, LeadConversionRequested, {
        tenantId,
        subject: lead.id,
        traceparent: ctx.traceparent,
        data: {
          conversionId: conversion.id,
          leadId: lead.id,
          leadCode: lead.code,
          tenantId,
          actor: { userId, requestId: ctx.requestId ?? null, ip: ctx.ip ?? null },
          ...conversionRecords(lead, input),
          createOpportunity: conversion.createOpportunity,
        },
      });
      return { conversion: toConversionView(conversion), created: true };
    });
  }
}
