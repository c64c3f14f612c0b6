import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RequestContext, requireRecordAccess } from '@crm/access';
import { accessRef, findLead, leadNotFound } from '../../leads/application/lead-view';
import { CandidateView, DuplicateMatch, duplicateBlocked, findDuplicates, presentMatches, presentStoredMatches } from './check-duplicates';
import { IndexEntry, setFlag, upsertIndexEntries, upsertIndexEntry } from '../infrastructure/duplicate-index.repository';
import { normaliseRecord } from '../domain';

/** The lead's fields duplicate rules can name, as the lead record holds them. */
export interface LeadLike {
  id: string;
  tenantId: string;
  company: string;
  name: string;
  phone: string | null;
  email: string | null;
  ownerId: string | null;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** What a lead write answers beyond the lead: present only when warning rules matched. */
export interface LeadDuplicateFlag {
  duplicateWarnings?: CandidateView[];
}

const fieldsOf = (l: LeadLike) => ({ company: l.company, name: l.name, phone: l.phone, email: l.email });
const sameKeys = (a: LeadLike, b: Partial<LeadLike>) => JSON.stringify(normaliseRecord('lead', fieldsOf(a)).keys) === JSON.stringify(normaliseRecord('lead', { ...fieldsOf(a), ...b }).keys);

/**
 * A lead written (created, or changed), checked and indexed in the write's own transaction, so
 * the index never disagrees with the leads and a concurrent duplicate meets this one:
 * - the lead's exact keys are locked for the transaction (advisory, per tenant and key), so two
 *   writers of one phone, e-mail or company key take turns and the second sees the first;
 * - a blocking rule's match throws 409 `DUPLICATE.BLOCKED` with the candidates (masked as the
 *   check masks them), rolling the write back;
 * - warning rules' matches are kept on the lead's index row (`flagged`, read back by
 *   `GET /api/v1/leads/{id}/duplicate-warnings`) and answered as `duplicateWarnings`; the lead is written.
 * `before` (an update): when the fields rules can name normalise as they did, nothing is checked
 * again — a change of remarks does not re-litigate an accepted warning.
 */
const entryOf = (lead: LeadLike): IndexEntry => ({
  tenantId: lead.tenantId,
  object: 'lead',
  recordId: lead.id,
  ownerId: lead.ownerId,
  displayName: lead.company,
  fields: fieldsOf(lead),
  deleted: lead.deletedAt !== null,
  updatedAt: lead.updatedAt,
});

/**
 * Leads written in bulk (an import's batch), put in the index in the batch's transaction, set-based:
 * later checks find them. It checks nothing — the importer applies its own duplicate decision per
 * row — so call it with the rows it accepted.
 */
export async function indexLeads(m: EntityManager, leads: readonly LeadLike[]): Promise<void> {
  await upsertIndexEntries(m, leads.map(entryOf));
}

export async function recordLeadForDuplicates(m: EntityManager, ctx: RequestContext, lead: LeadLike, before?: LeadLike): Promise<LeadDuplicateFlag> {
  const fields = fieldsOf(lead);
  const entry = entryOf(lead);
  if (before && sameKeys(before, fields)) {
    await upsertIndexEntry(m, entry);
    return {};
  }
  const probe = normaliseRecord('lead', fields);
  const locks = [...new Set(Object.values(probe.keys).flat())].sort().map((k) => `${lead.tenantId}:${k}`);
  if (locks.length) await m.query('SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k ORDER BY k', [locks]);

  const { outcome, matches } = await findDuplicates(m, ctx.caller, 'lead', fields, { exclude: { object: 'lead', id: lead.id } });
  if (outcome === 'block') throw duplicateBlocked('lead', { outcome, candidates: await presentMatches(m, ctx.caller, matches) });
  await upsertIndexEntry(m, entry);
  if (outcome === 'clear') {
    await setFlag(m, 'lead', lead.id, null);
    return {};
  }
  // Kept unmasked: whoever reads the flag later sees the matches as their own scope allows.
  const flag: LeadDuplicateFlagRecord = { flaggedAt: new Date().toISOString(), matches: matches.map(({ ownerId: _o, name: _n, ...match }) => match) };
  await setFlag(m, 'lead', lead.id, flag);
  return { duplicateWarnings: await presentMatches(m, ctx.caller, matches) };
}

/** What a warned lead's index row keeps (`duplicate_index.flagged`). */
export interface LeadDuplicateFlagRecord {
  flaggedAt: string;
  matches: DuplicateMatch[];
}

/** What `GET /api/v1/leads/{id}/duplicate-warnings` answers. */
export interface LeadDuplicateWarnings {
  /** When the lead was last written with warning matches; null when its last checked write matched nothing. */
  flaggedAt: string | null;
  candidates: CandidateView[];
}

/**
 * The warnings a lead was written with, as they stand now (deleted records left out) and as the
 * caller may see them; 404 when the caller may not view the lead.
 */
@Injectable()
export class LeadDuplicateWarningsQuery {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ctx: RequestContext, leadId: string): Promise<LeadDuplicateWarnings> {
    const m = this.dataSource.manager;
    const lead = await findLead(m, ctx.caller.tenantId, leadId);
    if (!lead) throw leadNotFound();
    await requireRecordAccess(m, ctx, 'lead', accessRef(lead), 'view', leadNotFound);
    const [row] = await m.query("SELECT flagged FROM duplicate_index WHERE object = 'lead' AND record_id = $1 AND tenant_id = $2", [lead.id, lead.tenantId]);
    const flag: LeadDuplicateFlagRecord | null = row?.flagged ?? null;
    if (!flag) return { flaggedAt: null, candidates: [] };
    return { flaggedAt: flag.flaggedAt, candidates: await presentStoredMatches(m, ctx.caller, flag.matches) };
  }
}
