import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Caller, resolveScope, scopeCondition } from '@crm/access';
import { AppError } from '@crm/kernel';
import {
  DEFAULT_FUZZY_THRESHOLD,
  DUPLICATE_FIELDS,
  DuplicateAction,
  DuplicateObject,
  DuplicateRule,
  FieldKind,
  FieldScore,
  NormalisedRecord,
  duplicateOutcome,
  normaliseRecord,
  rankCandidates,
} from '../domain';
import { BigramRarity, FoundRecord, IndexSearch, IndexedObject, isIndexed, keysOfKind, searchIndex, searchable } from '../infrastructure/duplicate-index.repository';
import { tenantRules } from './duplicate-rules';

/** A candidate the caller may view: who it is and why it matched. */
export interface VisibleCandidate {
  object: DuplicateObject;
  visible: true;
  id: string;
  name: string;
  ownerId: string | null;
  score: number;
  matchedFields: FieldScore[];
  rule: { id: string; name: string; action: DuplicateAction };
}

/** A candidate outside the caller's view scope: that it exists and which department owns it, nothing that identifies it. */
export interface MaskedCandidate {
  object: DuplicateObject;
  visible: false;
  exists: true;
  /** The owner's department; null while the record has no owner (in a public pool). */
  ownerDepartment: string | null;
  rule: { id: string; name: string; action: DuplicateAction };
}

export type CandidateView = VisibleCandidate | MaskedCandidate;

export interface DuplicateCheckResult {
  /** block: a blocking rule matched; warn: only warning rules matched; clear: nothing matched. */
  outcome: DuplicateAction | 'clear';
  candidates: CandidateView[];
}

export interface CheckOptions {
  /** The record being updated, which never duplicates itself. */
  exclude?: { object: DuplicateObject; id: string };
  /** The most candidates returned (best first); default 20. */
  limit?: number;
}

/** Exact keys that identify a record best come first when one search must stand for a combination. */
const EXACT_PREFERENCE: FieldKind[] = ['creditCode', 'email', 'phone', 'customerId', 'companyName', 'personName'];
const NIL_OWNER = '00000000-0000-0000-0000-000000000000';

/**
 * The searches that find every candidate the rules could match: per combination one search, on
 * the field that narrows most (an exact identifier before an exact name before a similar name),
 * among the rule's targets. A combination whose fields the probe lacks cannot match and costs
 * nothing; the rules' scorer checks every field of the combination afterwards.
 */
export function plannedSearches(rules: readonly DuplicateRule[], probe: NormalisedRecord): IndexSearch[] {
  const searches = new Map<string, IndexSearch>();
  for (const rule of rules) {
    if (!rule.enabled || rule.object !== probe.object) continue;
    const objects = rule.targets.filter(isIndexed);
    if (!objects.length) continue;
    for (const combination of rule.combinations) {
      const fields = combination.map((m) => ({ ...m, kind: DUPLICATE_FIELDS[rule.object][m.field], keys: probe.keys[m.field] ?? [] }));
      if (fields.some((f) => !f.kind || !f.keys.length)) continue;
      const exact = fields.filter((f) => f.mode === 'exact' && searchable(f.kind, 'exact')).sort((a, b) => EXACT_PREFERENCE.indexOf(a.kind) - EXACT_PREFERENCE.indexOf(b.kind));
      const fuzzy = fields.filter((f) => f.mode === 'fuzzy' && searchable(f.kind, 'fuzzy'));
      const driver = exact[0] ?? fuzzy.sort((a, b) => (b.threshold ?? DEFAULT_FUZZY_THRESHOLD) - (a.threshold ?? DEFAULT_FUZZY_THRESHOLD))[0];
      if (!driver) continue;
      // Every field of the kind on the probe: a lead's phone is searched with its mobile.
      const keys = keysOfKind(probe, driver.kind);
      const threshold = driver.mode === 'fuzzy' ? (driver.threshold ?? DEFAULT_FUZZY_THRESHOLD) : undefined;
      const key = `${driver.kind}|${driver.mode}|${threshold}|${objects.join(',')}`;
      if (!searches.has(key)) searches.set(key, { kind: driver.kind, mode: driver.mode, keys, threshold, objects });
    }
  }
  // A similar-name search at a lower threshold finds everything one at a higher threshold does.
  const all = [...searches.values()];
  return all.filter(
    (s) => !(s.mode === 'fuzzy' && all.some((o) => o !== s && o.mode === 'fuzzy' && o.kind === s.kind && o.threshold! < s.threshold! && s.objects.every((x) => o.objects.includes(x)))),
  );
}

const rarity = new BigramRarity();

/** A match as the server knows it, before masking: what a flagged record keeps. */
export interface DuplicateMatch {
  object: IndexedObject;
  id: string;
  score: number;
  matchedFields: FieldScore[];
  rule: { id: string; name: string; action: DuplicateAction };
}

/** The record behind a match as it stands (owner and name), for presenting it. */
type PresentableMatch = DuplicateMatch & { ownerId: string | null; name: string };

/**
 * The duplicates of a record about to be written: the tenant's rules for its object, the index
 * searched (see plannedSearches), the candidates scored and ranked by the domain, best first (at
 * most `limit`); the outcome counts them all.
 */
export async function findDuplicates(
  m: EntityManager,
  caller: Caller,
  object: DuplicateObject,
  record: Readonly<Record<string, unknown>>,
  o: CheckOptions = {},
): Promise<{ outcome: DuplicateAction | 'clear'; matches: PresentableMatch[] }> {
  const rules = await tenantRules(m, caller.tenantId);
  const probe = normaliseRecord(object, record);
  const found: FoundRecord[] = [];
  for (const search of plannedSearches(rules, probe)) found.push(...(await searchIndex(m, caller.tenantId, search, rarity)));
  const candidates = o.exclude ? found.filter((f) => !(f.object === o.exclude!.object && f.id === o.exclude!.id)) : found;
  const ranked = rankCandidates(rules, probe, candidates);
  const byKey = new Map(candidates.map((c) => [`${c.object}/${c.id}`, c]));
  const ruleById = new Map(rules.map((r) => [r.id, r]));
  return {
    outcome: duplicateOutcome(ranked),
    matches: ranked.slice(0, o.limit ?? 20).map((c) => {
      const rec = byKey.get(`${c.object}/${c.id}`)!;
      const rule = ruleById.get(c.ruleId)!;
      return {
        object: rec.object,
        id: c.id,
        score: round(c.score),
        matchedFields: c.fields.map((f) => ({ ...f, score: round(f.score) })),
        rule: { id: rule.id, name: rule.name, action: rule.action },
        ownerId: rec.ownerId,
        name: rec.displayName,
      };
    }),
  };
}

/**
 * Matches as the caller may see them: in full when their `view` scope reaches the record, else
 * masked to "exists, owned by <department>".
 */
export async function presentMatches(m: EntityManager, caller: Caller, matches: readonly PresentableMatch[]): Promise<CandidateView[]> {
  if (!matches.length) return [];
  const access = await accessTo(m, caller, matches);
  return matches.map((c): CandidateView => {
    const seen = access.get(`${c.object}/${c.id}`)!;
    if (!seen.visible) return { object: c.object, visible: false, exists: true, ownerDepartment: seen.ownerDepartment, rule: c.rule };
    return { object: c.object, visible: true, id: c.id, name: c.name, ownerId: c.ownerId, score: c.score, matchedFields: c.matchedFields, rule: c.rule };
  });
}

/**
 * The duplicate check (查重) of a record about to be written (findDuplicates), each candidate
 * shown as the caller may see it (presentMatches). The outcome is the rules', whatever the caller
 * may see: a record hidden from the caller still blocks.
 */
export async function checkDuplicates(
  m: EntityManager,
  caller: Caller,
  object: DuplicateObject,
  record: Readonly<Record<string, unknown>>,
  o: CheckOptions = {},
): Promise<DuplicateCheckResult> {
  const { outcome, matches } = await findDuplicates(m, caller, object, record, o);
  return { outcome, candidates: await presentMatches(m, caller, matches) };
}

/**
 * The matches a record was flagged with when written, as they stand now: records since deleted
 * are left out, owners and names are today's, and each is shown as the caller may see it.
 */
export async function presentStoredMatches(m: EntityManager, caller: Caller, stored: readonly DuplicateMatch[]): Promise<CandidateView[]> {
  if (!stored.length) return [];
  const rows: { object: IndexedObject; id: string; ownerId: string | null; name: string }[] = await m.query(
    `SELECT i.object, i.record_id AS id, i.owner_id AS "ownerId", i.display_name AS name FROM duplicate_index i
     JOIN unnest($2::text[], $3::uuid[]) AS s(object, record_id) ON s.object = i.object AND s.record_id = i.record_id
     WHERE i.tenant_id = $1 AND i.live`,
    [caller.tenantId, stored.map((s) => s.object), stored.map((s) => s.id)],
  );
  const current = new Map(rows.map((r) => [`${r.object}/${r.id}`, r]));
  return presentMatches(
    m,
    caller,
    stored.flatMap((s) => {
      const now = current.get(`${s.object}/${s.id}`);
      return now ? [{ ...s, ownerId: now.ownerId, name: now.name }] : [];
    }),
  );
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Whether the caller may `view` each record, and for those they may not, their owner's
 * department: one scope resolution and one query per object (none under an ALL scope).
 */
async function accessTo(m: EntityManager, caller: Caller, records: readonly { object: IndexedObject; id: string; ownerId: string | null }[]): Promise<Map<string, { visible: boolean; ownerDepartment: string | null }>> {
  const access = new Map<string, { visible: boolean; ownerDepartment: string | null }>();
  for (const object of [...new Set(records.map((r) => r.object))] as IndexedObject[]) {
    const mine = records.filter((r) => r.object === object);
    const target = { object, action: 'view' as const };
    const resolved = await resolveScope(m, caller, target);
    if (resolved.levels.includes('ALL')) {
      // The whole organisation: every candidate (the index was searched within it).
      for (const r of mine) access.set(`${object}/${r.id}`, { visible: true, ownerDepartment: null });
      continue;
    }
    const { sql, params } = scopeCondition(caller, target, resolved, { tenant: 'CAST(:rec_tenant AS uuid)', id: 'r.id', owner: 'r.owner_id' });
    const [query, values] = m.connection.driver.escapeQueryWithParameters(
      `SELECT r.id, (${sql}) AS visible, d.name AS department
       FROM unnest(CAST(:rec_ids AS uuid[]), CAST(:rec_owners AS uuid[])) AS r(id, owner_id)
       LEFT JOIN org_users u ON u.id = r.owner_id AND u.tenant_id = CAST(:rec_tenant AS uuid)
       LEFT JOIN org_departments d ON d.id = u.department_id AND d.tenant_id = u.tenant_id`,
      { ...params, rec_tenant: caller.tenantId, rec_ids: mine.map((r) => r.id), rec_owners: mine.map((r) => r.ownerId ?? NIL_OWNER) },
      {},
    );
    for (const row of await m.query(query, values)) access.set(`${object}/${row.id}`, { visible: row.visible === true, ownerDepartment: row.department ?? null });
  }
  return access;
}

/** 409 `DUPLICATE.BLOCKED` with the candidates, masked as the check masks them. */
export const duplicateBlocked = (object: DuplicateObject, result: DuplicateCheckResult) =>
  new AppError('conflict', 'DUPLICATE.BLOCKED', `This ${object} duplicates a record a blocking duplicate rule protects.`, [], { outcome: result.outcome, candidates: result.candidates });

/** `POST /api/v1/duplicates/check`: the check alone. It writes nothing (but a tenant's first rules), so it runs without a transaction. */
@Injectable()
export class CheckDuplicatesHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(caller: Caller, object: DuplicateObject, record: Record<string, unknown>): Promise<DuplicateCheckResult> {
    return checkDuplicates(this.dataSource.manager, caller, object, record);
  }
}
