import { EntityManager } from 'typeorm';
import { LeadRow, RowError } from '../domain/lead-row';

/**
 * THE DUPLICATE HOOK OF LEAD IMPORTS: called once per batch, inside the batch's transaction, before
 * its rows are inserted; the rows it returns errors for are reported instead of imported.
 *
 * Today it applies one fixed rule, exact and blocking: a lead whose normalised phone or e-mail (the
 * duplicate-check normalisers: +86, dashes, spaces, full-width digits; e-mail case and Gmail dots)
 * equals that of an earlier accepted row of the same file, or of a live lead of the organisation
 * in the duplicate index (apps/marketing/src/duplicates), is a duplicate. Imported leads go into
 * that index in their batch's transaction (indexLeads), so the next batch, the next import and
 * hand-made leads meet them. To apply the tenant's duplicate rules instead (fuzzy company names,
 * cross-object targets, block or warn), replace this function's body: block → an error row,
 * warn → import and flag.
 */
export type LeadImportDuplicateHook = (m: EntityManager, tenantId: string, rows: LeadRow[], file: FileKeys) => Promise<Map<LeadRow, RowError>>;

/** The keys of the rows of this file accepted so far (the same job, this run). */
export interface FileKeys {
  phones: Map<string, number>;
  emails: Map<string, number>;
}

export const newFileKeys = (): FileKeys => ({ phones: new Map(), emails: new Map() });

export const checkLeadImportDuplicates: LeadImportDuplicateHook = async (m, tenantId, rows, file) => {
  const found = new Map<LeadRow, RowError>();
  const phones = [...new Set(rows.filter((r) => r.phoneKey).map((r) => r.phoneKey))];
  const emails = [...new Set(rows.filter((r) => r.emailKey).map((r) => r.emailKey))];
  // The duplicate index holds every live lead's normalised keys (hand-made ones and earlier imports alike).
  const [byPhone, byEmail]: { key: string; code: string }[][] = await Promise.all([
    phones.length
      ? m.query(
          `SELECT p.phone_key AS key, l.code FROM duplicate_phone_keys p
             JOIN duplicate_index d ON d.object = p.object AND d.record_id = p.record_id AND d.live
             JOIN leads l ON l.id = p.record_id
            WHERE p.tenant_id = $1 AND p.object = 'lead' AND p.phone_key = ANY($2::text[])`,
          [tenantId, phones],
        )
      : [],
    emails.length
      ? m.query(
          `SELECT d.email_key AS key, l.code FROM duplicate_index d JOIN leads l ON l.id = d.record_id
            WHERE d.tenant_id = $1 AND d.object = 'lead' AND d.live AND d.email_key IS NOT NULL AND d.email_key = ANY($2::text[])`,
          [tenantId, emails],
        )
      : [],
  ]);
  const leadByPhone = new Map(byPhone.map((r) => [r.key, r.code]));
  const leadByEmail = new Map(byEmail.map((r) => [r.key, r.code]));
  for (const r of rows) {
    const phoneRow = r.phoneKey ? file.phones.get(r.phoneKey) : undefined;
    const emailRow = r.emailKey ? file.emails.get(r.emailKey) : undefined;
    const phoneLead = r.phoneKey ? leadByPhone.get(r.phoneKey) : undefined;
    const emailLead = r.emailKey ? leadByEmail.get(r.emailKey) : undefined;
    if (phoneRow !== undefined) found.set(r, { row: r.row, field: 'phone', reason: `duplicate: the same phone as row ${phoneRow}` });
    else if (emailRow !== undefined) found.set(r, { row: r.row, field: 'email', reason: `duplicate: the same e-mail as row ${emailRow}` });
    else if (phoneLead) found.set(r, { row: r.row, field: 'phone', reason: `duplicate: the same phone as lead ${phoneLead}` });
    else if (emailLead) found.set(r, { row: r.row, field: 'email', reason: `duplicate: the same e-mail as lead ${emailLead}` });
    else {
      if (r.phoneKey) file.phones.set(r.phoneKey, r.row);
      if (r.emailKey) file.emails.set(r.emailKey, r.row);
    }
  }
  return found;
};
