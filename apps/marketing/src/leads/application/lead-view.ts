import { EntityManager } from 'typeorm';
import { LeadData } from '@crm/contracts';
import { AppError, UUID_PATTERN, conflict, notFound } from '@crm/kernel';
import { LeadRuleViolation } from '../domain/lead-status';
import { ConversionStatus, LeadConversionEntity } from '../infrastructure/lead-conversion.entity';
import { LeadEntity } from '../infrastructure/lead.entity';

/** The latest conversion of a lead, as the API shows it. */
export interface ConversionView {
  id: string;
  leadId: string;
  status: ConversionStatus;
  requestedBy: string;
  requestedAt: string;
  createOpportunity: boolean;
  customerId: string | null;
  contactId: string | null;
  /** Why sales could not convert it (failed only). */
  failure: { code: string; reason: string } | null;
  /** Lead values sales could not keep as they were, noted in the customer's remarks. */
  notes: string[];
  finishedAt: string | null;
}

/** A lead as the API shows it: its event fields plus its latest conversion. */
export type LeadView = LeadData & { conversion: ConversionView | null };

export const leadNotFound = () => notFound('LEAD.NOT_FOUND', 'No such lead in your organisation, or you may not see it.');

/** A broken lead rule as a 409 with its stable code. */
export const ruleError = (v: LeadRuleViolation): AppError => conflict(v.code, v.message);

export function toLeadData(l: LeadEntity): LeadData {
  return {
    id: l.id,
    tenantId: l.tenantId,
    code: l.code,
    company: l.company,
    name: l.name,
    phone: l.phone,
    email: l.email,
    source: l.source,
    region: l.region,
    industry: l.industry,
    tags: l.tags,
    status: l.status,
    ownerId: l.ownerId,
    poolId: l.poolId,
    remarks: l.remarks,
    customerId: l.customerId,
    contactId: l.contactId,
    convertedAt: l.convertedAt ? l.convertedAt.toISOString() : null,
    lastFollowUpAt: l.lastFollowUpAt ? l.lastFollowUpAt.toISOString() : null,
    createdBy: l.createdBy,
    updatedBy: l.updatedBy,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
    deletedAt: l.deletedAt ? l.deletedAt.toISOString() : null,
  };
}

export function toConversionView(c: LeadConversionEntity): ConversionView {
  return {
    id: c.id,
    leadId: c.leadId,
    status: c.status,
    requestedBy: c.requestedBy,
    requestedAt: c.requestedAt.toISOString(),
    createOpportunity: c.createOpportunity,
    customerId: c.customerId,
    contactId: c.contactId,
    failure: c.failureCode ? { code: c.failureCode, reason: c.failureReason ?? '' } : null,
    notes: c.notes,
    finishedAt: c.finishedAt ? c.finishedAt.toISOString() : null,
  };
}

export const toLeadView = (l: LeadEntity, conversion: LeadConversionEntity | null): LeadView => ({
  ...toLeadData(l),
  conversion: conversion ? toConversionView(conversion) : null,
});

/** The fields a caller may write; code, status, owner, pool, links and audit fields are the server's. */
export interface LeadFields {
  company: string;
  name: string;
  phone?: string | null;
  email?: string | null;
  source?: string | null;
  region?: string | null;
  industry?: string | null;
  tags?: string[];
  remarks?: string | null;
}

export const OPTIONAL_LEAD_FIELDS = ['phone', 'email', 'source', 'region', 'industry', 'remarks'] as const;

/** A live lead of the tenant; locked for update inside a transaction when asked. */
export async function findLead(m: EntityManager, tenantId: string, id: string, o: { lock?: boolean } = {}): Promise<LeadEntity | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const qb = m.getRepository(LeadEntity).createQueryBuilder('l').where('l.id = :id AND l.tenantId = :tenantId AND l.deletedAt IS NULL', { id, tenantId });
  if (o.lock) qb.setLock('pessimistic_write');
  return qb.getOne();
}

/** The lead's most recent conversion, if any. */
export function latestConversion(m: EntityManager, leadId: string): Promise<LeadConversionEntity | null> {
  return m.getRepository(LeadConversionEntity).findOne({ where: { leadId }, order: { requestedAt: 'DESC', id: 'DESC' } });
}

/**
 * Owner-less leads (in a pool) are checked as owned by nobody: only an ALL scope, a share or a
 * collaboration reaches them, until lead pools bring their own membership rule.
 */
export const accessRef = (l: LeadEntity) => ({ id: l.id, ownerId: l.ownerId ?? '00000000-0000-0000-0000-000000000000' });
