import { normaliseEmail, normalisePhone } from '../../duplicates/domain';

/** One problem with one spreadsheet row: the row's number as the spreadsheet shows it (the header is row 1). */
export interface RowError {
  row: number;
  field: string;
  reason: string;
}

/** A valid row, ready to become a lead, with the keys the duplicate hook compares. */
export interface LeadRow {
  row: number;
  company: string;
  name: string;
  phone: string | null;
  email: string | null;
  source: string | null;
  region: string | null;
  industry: string | null;
  tags: string[];
  remarks: string | null;
  /** normalisePhone of the phone ('' when none). */
  phoneKey: string;
  /** normaliseEmail of the e-mail ('' when none). */
  emailKey: string;
}

const LIMITS = { company: 200, name: 100, phone: 40, email: 254, source: 50, region: 100, industry: 50, remarks: 2000 } as const;
const PHONE_CHARS = /^[0-9０-９+＋\-－ ()（）.#转分机extEXT\u3000]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TAG_SEPARATORS = /[,;，；、|]/;

/**
 * Checks one row of a lead spreadsheet (cells by field key, already trimmed): every problem of the
 * row is reported, not only the first, so one fix of the file settles it.
 */
export function validateLeadRow(row: number, cell: (key: string) => string): { lead: LeadRow } | { errors: RowError[] } {
  const errors: RowError[] = [];
  const text = (key: keyof typeof LIMITS, required = false): string | null => {
    const v = cell(key);
    if (!v) {
      if (required) errors.push({ row, field: key, reason: 'required' });
      return null;
    }
    if (v.length > LIMITS[key]) errors.push({ row, field: key, reason: `at most ${LIMITS[key]} characters` });
    return v;
  };
  const company = text('company', true);
  const name = text('name', true);
  const phone = text('phone');
  const email = text('email');
  const source = text('source');
  const region = text('region');
  const industry = text('industry');
  const remarks = text('remarks');
  let phoneKey = '';
  if (phone) {
    phoneKey = normalisePhone(phone);
    if (!PHONE_CHARS.test(phone) || !phoneKey) errors.push({ row, field: 'phone', reason: 'not a phone number' });
  }
  let emailKey = '';
  if (email) {
    if (!EMAIL.test(email)) errors.push({ row, field: 'email', reason: 'not an e-mail address' });
    else emailKey = normaliseEmail(email);
  }
  const rawTags = cell('tags');
  const tags = rawTags ? [...new Set(rawTags.split(TAG_SEPARATORS).map((t) => t.trim()).filter(Boolean))] : [];
  if (tags.length > 50) errors.push({ row, field: 'tags', reason: 'at most 50 tags' });
  if (tags.some((t) => t.length > 50)) errors.push({ row, field: 'tags', reason: 'each tag at most 50 characters' });
  if (errors.length) return { errors };
  return { lead: { row, company: company!, name: name!, phone, email, source, region, industry, tags, remarks, phoneKey, emailKey } };
}
