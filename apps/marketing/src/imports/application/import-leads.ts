import { EntityManager } from 'typeorm';
import { AuditActor, bulkAuditTrail } from '@crm/access';
import { LeadCreated, LeadData } from '@crm/contracts';
import { newId } from '@crm/kernel';
import { publishManyInTransaction } from '@crm/messaging';
import { nextCodes } from '@crm/persistence';
import { indexLeads } from '../../duplicates/duplicates.module';
import { LEAD_NUMBERING } from '../../leads/application/lead-commands';
import { LeadRow, RowError } from '../domain/lead-row';
import { FileKeys, LeadImportDuplicateHook } from './lead-import-duplicates';

const auditMany = bulkAuditTrail('marketing');

/**
 * Writes one batch of valid lead rows in the caller's transaction, set-based: the duplicate hook
 * first, then one block of XS- codes, one INSERT of the leads, their rows in the duplicate index,
 * and their `lead.created` events and audit entries in one outbox INSERT each. Every imported lead is owned by the importer, as if they
 * had created it by hand. Returns the rows the hook turned away.
 */
export async function insertLeadBatch(
  m: EntityManager,
  actor: AuditActor & { userId: string },
  rows: LeadRow[],
  file: FileKeys,
  duplicates: LeadImportDuplicateHook,
): Promise<{ inserted: number; rejected: RowError[] }> {
  const refused = await duplicates(m, actor.tenantId, rows, file);
  const good = rows.filter((r) => !refused.has(r));
  if (good.length) {
    const now = new Date();
    const codes = await nextCodes(m, actor.tenantId, 'lead', LEAD_NUMBERING, good.length, now);
    const at = now.toISOString();
    const leads: LeadData[] = good.map((r, i) => ({
      id: newId(),
      tenantId: actor.tenantId,
      code: codes[i],
      company: r.company,
      name: r.name,
      phone: r.phone,
      email: r.email,
      source: r.source,
      region: r.region,
      industry: r.industry,
      tags: r.tags,
      status: 'new',
      ownerId: actor.userId,
      poolId: null,
      remarks: r.remarks,
      customerId: null,
      contactId: null,
      convertedAt: null,
      lastFollowUpAt: null,
      createdBy: actor.userId,
      updatedBy: actor.userId,
      createdAt: at,
      updatedAt: at,
      deletedAt: null,
    }));
    // One JSON document for the whole batch: the server parses it once (json_to_recordset), no per-element escaping.
    await m.query(
      `INSERT INTO leads (id, tenant_id, code, company, name, phone, email, source, region, industry, tags, status, owner_id, created_by, updated_by, remarks, created_at, updated_at)
       SELECT t.id, $1, t.code, t.company, t.name, t.phone, t.email, t.source, t.region, t.industry, t.tags, 'new', $2, $2, $2, t.remarks, $3, $3
         FROM json_to_recordset($4::json)
           AS t (id uuid, code text, company text, name text, phone text, email text, source text, region text, industry text, tags text[], remarks text)`,
      [actor.tenantId, actor.userId, now, JSON.stringify(leads)],
    );
    // Into the duplicate index in the same transaction, so later checks (and hand-made leads) meet these.
    await indexLeads(m, leads.map((l) => ({ id: l.id, tenantId: l.tenantId, company: l.company, name: l.name, phone: l.phone, email: l.email, ownerId: l.ownerId, updatedAt: now, deletedAt: null })));
    await publishManyInTransaction(m, LeadCreated, leads.map((data) => ({ tenantId: actor.tenantId, subject: data.id, data, traceparent: actor.traceparent })));
    await auditMany(m, actor, leads.map((data) => ({ objectType: 'lead', objectId: data.id, action: 'create' as const, after: data })));
  }
  return { inserted: good.length, rejected: [...refused.values()] };
}
