import type { FieldError } from '@crm/kernel';
import { normaliseCode, normaliseCompanyName, normaliseEmail, normalisePersonName, normalisePhones, normaliseText } from './normalise';
import { bigramSimilarity } from './similarity';

export const DUPLICATE_OBJECTS = ['lead', 'customer', 'contact', 'opportunity'] as const;
export type DuplicateObject = (typeof DUPLICATE_OBJECTS)[number];
export type MatchMode = 'exact' | 'fuzzy';
export type DuplicateAction = 'block' | 'warn';

export interface FieldMatch {
  field: string;
  mode: MatchMode;
  /** Fuzzy only: the lowest similarity (0..1] that still matches; DEFAULT_FUZZY_THRESHOLD when absent. */
  threshold?: number;
}

export interface DuplicateRule {
  id: string;
  object: DuplicateObject;
  name: string;
  /** Any combination matching makes a duplicate; within one, every field must match. */
  combinations: FieldMatch[][];
  /** The objects whose records are searched (cross-object checks), e.g. a lead against customers. */
  targets: DuplicateObject[];
  /** block: refuse with 409 and the candidates; warn: create and flag. */
  action: DuplicateAction;
  enabled: boolean;
}

/**
 * Catches a changed character at the edge of a six-character name (杭州联合机械 / 杭州联合机戒,
 * 0.80) or an added industry word (…机械设备, 0.83); stays below one different word (杭州联合化工,
 * 上海联合机械: 0.60) and a missing region (联合机械: 0.75).
 */
export const DEFAULT_FUZZY_THRESHOLD = 0.8;

/** What a field holds. Fields of one kind correspond across objects: lead.company ↔ customer.name. */
export type FieldKind = 'companyName' | 'personName' | 'phone' | 'email' | 'creditCode' | 'customerId' | 'title';

const single = (normalise: (s: string) => string) => (s: string) => [normalise(s)];

/** How each kind is normalised, and whether a fuzzy comparison of it means anything. */
const KINDS: Record<FieldKind, { keys: (value: string) => string[]; fuzzy: boolean }> = {
  companyName: { keys: single(normaliseCompanyName), fuzzy: true },
  personName: { keys: single(normalisePersonName), fuzzy: true },
  title: { keys: single(normaliseText), fuzzy: true },
  phone: { keys: normalisePhones, fuzzy: false },
  email: { keys: single(normaliseEmail), fuzzy: false },
  creditCode: { keys: single(normaliseCode), fuzzy: false },
  customerId: { keys: single(normaliseCode), fuzzy: false },
};

/**
 * The fields a rule may name, per object, with their kind. The lead's fields anticipate the lead
 * record (company, contact person's name, phone, mobile, email); customer and contact follow
 * the sales service's records.
 */
export const DUPLICATE_FIELDS: Readonly<Record<DuplicateObject, Readonly<Record<string, FieldKind>>>> = {
  lead: { company: 'companyName', name: 'personName', phone: 'phone', mobile: 'phone', email: 'email' },
  customer: { name: 'companyName', phone: 'phone', email: 'email', unifiedSocialCreditCode: 'creditCode' },
  contact: { name: 'personName', phones: 'phone', email: 'email', customerId: 'customerId' },
  opportunity: { name: 'title', customerId: 'customerId' },
};

/** A field's kind, or undefined for a field rules cannot name (own keys only: not `constructor`). */
function kindOf(object: DuplicateObject, field: string): FieldKind | undefined {
  const fields = DUPLICATE_FIELDS[object];
  return Object.hasOwn(fields, field) ? fields[field] : undefined;
}

/** Leads, customers and contacts are checked against each other (the seed's 交叉查重); opportunities only among themselves. */
const ALLOWED_TARGETS: Readonly<Record<DuplicateObject, readonly DuplicateObject[]>> = {
  lead: ['lead', 'customer', 'contact'],
  customer: ['lead', 'customer', 'contact'],
  contact: ['lead', 'customer', 'contact'],
  opportunity: ['opportunity'],
};

/** A record's normalised keys per field; a field may have several (a contact's phones). */
export interface NormalisedRecord {
  object: DuplicateObject;
  keys: Readonly<Record<string, readonly string[]>>;
}

/** A stored record found by the search, to be scored. */
export interface CandidateRecord extends NormalisedRecord {
  id: string;
}

/**
 * The keys of the fields duplicate rules can name; other fields are ignored. Strings, numbers
 * and arrays of them are read; empty keys are dropped, so an empty field never matches.
 */
export function normaliseRecord(object: DuplicateObject, record: Readonly<Record<string, unknown>>): NormalisedRecord {
  const keys: Record<string, string[]> = {};
  for (const [field, kind] of Object.entries(DUPLICATE_FIELDS[object])) {
    const values = ([] as unknown[]).concat(record[field] ?? []);
    const found = values.flatMap((v) => (typeof v === 'string' || typeof v === 'number' ? KINDS[kind].keys(String(v)) : []));
    const distinct = [...new Set(found.filter(Boolean))];
    if (distinct.length > 0) keys[field] = distinct;
  }
  return { object, keys };
}

export interface FieldScore {
  /** The rule's field, on the probe. */
  field: string;
  /** The candidate's field it matched (differs across objects: company ↔ name). */
  candidateField: string;
  mode: MatchMode;
  score: number;
}

export interface CandidateMatch {
  /** Index of the best matching combination in the rule. */
  combination: number;
  fields: FieldScore[];
  score: number;
}

/**
 * Whether a candidate duplicates the probe under a rule, and how closely. A field scores 1 when
 * the keys are equal and its similarity when fuzzy and at least the threshold; with several keys
 * (phones) the best pair counts, and across objects every candidate field of the same kind is
 * tried. A combination scores its weakest field — all fields must match, so the match is only as
 * convincing as the least similar one, and a perfect phone cannot hide a borderline name. The
 * match is the best-scoring combination (the first on ties); null when none matches, when the
 * rule is disabled or when the candidate's object is not among its targets.
 */
export function matchCandidate(rule: DuplicateRule, probe: NormalisedRecord, candidate: NormalisedRecord): CandidateMatch | null {
  if (probe.object !== rule.object) throw new Error(`A ${rule.object} rule cannot check a ${probe.object}`);
  if (!rule.enabled || !rule.targets.includes(candidate.object)) return null;
  let best: CandidateMatch | null = null;
  for (const [index, combination] of rule.combinations.entries()) {
    const fields = matchCombination(rule.object, combination, probe, candidate);
    if (!fields) continue;
    const score = Math.min(...fields.map((f) => f.score));
    if (!best || score > best.score) best = { combination: index, fields, score };
  }
  return best;
}

function matchCombination(object: DuplicateObject, combination: readonly FieldMatch[], probe: NormalisedRecord, candidate: NormalisedRecord): FieldScore[] | null {
  if (combination.length === 0) return null;
  const fields: FieldScore[] = [];
  for (const match of combination) {
    const field = matchField(object, match, probe, candidate);
    if (!field) return null;
    fields.push(field);
  }
  return fields;
}

function matchField(object: DuplicateObject, match: FieldMatch, probe: NormalisedRecord, candidate: NormalisedRecord): FieldScore | null {
  const kind = kindOf(object, match.field);
  let best: FieldScore | null = null;
  for (const candidateField of fieldsOfKind(candidate.object, kind)) {
    for (const probeKey of probe.keys[match.field] ?? []) {
      for (const candidateKey of candidate.keys[candidateField] ?? []) {
        const score = keyScore(match, probeKey, candidateKey);
        if (score !== null && (!best || score > best.score)) best = { field: match.field, candidateField, mode: match.mode, score };
      }
    }
  }
  return best;
}

function keyScore(match: FieldMatch, probeKey: string, candidateKey: string): number | null {
  if (probeKey === candidateKey) return 1;
  if (match.mode === 'exact') return null;
  const similarity = bigramSimilarity(probeKey, candidateKey);
  return similarity >= (match.threshold ?? DEFAULT_FUZZY_THRESHOLD) ? similarity : null;
}

function fieldsOfKind(object: DuplicateObject, kind: FieldKind | undefined): string[] {
  return Object.entries(DUPLICATE_FIELDS[object]).flatMap(([field, k]) => (k === kind ? [field] : []));
}

export interface RankedCandidate extends CandidateMatch {
  id: string;
  object: DuplicateObject;
  /** The rule behind this match, and so its action. */
  ruleId: string;
  action: DuplicateAction;
}

/**
 * The probe's duplicates among the candidates under the rules of its object, best first: score
 * descending, then in the order the candidates came. A candidate listed twice (the search ran one
 * query per combination) counts once. A candidate several rules match is reported under a
 * blocking rule if any — the answer must say why it blocks — then under the highest score.
 */
export function rankCandidates(rules: readonly DuplicateRule[], probe: NormalisedRecord, candidates: readonly CandidateRecord[]): RankedCandidate[] {
  const ownRules = rules.filter((r) => r.object === probe.object);
  const seen = new Set<string>();
  const ranked: RankedCandidate[] = [];
  for (const candidate of candidates) {
    const identity = `${candidate.object}/${candidate.id}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    let best: RankedCandidate | null = null;
    for (const rule of ownRules) {
      const match = matchCandidate(rule, probe, candidate);
      if (!match) continue;
      const found: RankedCandidate = { id: candidate.id, object: candidate.object, ruleId: rule.id, action: rule.action, ...match };
      if (!best || outranks(found, best)) best = found;
    }
    if (best) ranked.push(best);
  }
  // Array.prototype.sort is stable: equal scores keep the candidates' order.
  return ranked.sort((a, b) => b.score - a.score);
}

function outranks(a: RankedCandidate, b: RankedCandidate): boolean {
  if (a.action !== b.action) return a.action === 'block';
  return a.score > b.score;
}

/** What the check means for the write: block if any match blocks, warn if any matched, else clear. */
export function duplicateOutcome(ranked: readonly RankedCandidate[]): DuplicateAction | 'clear' {
  if (ranked.some((c) => c.action === 'block')) return 'block';
  return ranked.length > 0 ? 'warn' : 'clear';
}

/**
 * Problems with a rule, each named by its path (`combinations[0][1].threshold`), for a 400.
 * Empty when the rule can be saved.
 */
export function validateRule(rule: Omit<DuplicateRule, 'id'>): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof rule.name !== 'string' || rule.name.trim() === '') errors.push({ field: 'name', message: 'must not be empty' });
  if (rule.action !== 'block' && rule.action !== 'warn') errors.push({ field: 'action', message: "must be 'block' or 'warn'" });
  if (!DUPLICATE_OBJECTS.includes(rule.object)) {
    errors.push({ field: 'object', message: `must be one of ${DUPLICATE_OBJECTS.join(', ')}` });
    return errors; // fields and targets depend on the object
  }
  const combinationProblems = combinationErrors(rule.object, rule.combinations);
  // Whether a target can be checked is only worth saying once the combinations themselves are sound.
  errors.push(...combinationProblems, ...targetErrors(rule, combinationProblems.length === 0));
  return errors;
}

function combinationErrors(object: DuplicateObject, combinations: readonly FieldMatch[][]): FieldError[] {
  if (!Array.isArray(combinations) || combinations.length === 0) return [{ field: 'combinations', message: 'must have at least one combination of fields' }];
  return combinations.flatMap((combination, i) => {
    if (!Array.isArray(combination) || combination.length === 0) return [{ field: `combinations[${i}]`, message: 'must name at least one field' }];
    return combination.flatMap((match, j) => fieldMatchErrors(object, match, `combinations[${i}][${j}]`, combination.slice(0, j)));
  });
}

function fieldMatchErrors(object: DuplicateObject, match: FieldMatch, path: string, earlier: readonly FieldMatch[]): FieldError[] {
  const errors: FieldError[] = [];
  const kind = kindOf(object, match.field);
  if (!kind) {
    const known = Object.keys(DUPLICATE_FIELDS[object]).join(', ');
    errors.push({ field: `${path}.field`, message: `${object} has no field '${match.field}' to check; known: ${known}` });
  } else if (earlier.some((m) => m.field === match.field)) {
    errors.push({ field: `${path}.field`, message: `'${match.field}' is already in this combination` });
  }
  if (match.mode !== 'exact' && match.mode !== 'fuzzy') errors.push({ field: `${path}.mode`, message: "must be 'exact' or 'fuzzy'" });
  else if (match.mode === 'fuzzy' && kind && !KINDS[kind].fuzzy) errors.push({ field: `${path}.mode`, message: `'${match.field}' is matched exactly only` });
  if (match.threshold === undefined) return errors;
  if (match.mode !== 'fuzzy') errors.push({ field: `${path}.threshold`, message: 'applies to fuzzy matching only' });
  else if (!(typeof match.threshold === 'number' && match.threshold > 0 && match.threshold <= 1)) {
    errors.push({ field: `${path}.threshold`, message: 'must be a number above 0 and at most 1' });
  }
  return errors;
}

function targetErrors(rule: Omit<DuplicateRule, 'id'>, combinationsSound: boolean): FieldError[] {
  if (!Array.isArray(rule.targets) || rule.targets.length === 0) return [{ field: 'targets', message: 'must name at least one object to check against' }];
  const allowed = ALLOWED_TARGETS[rule.object];
  return rule.targets.flatMap((target, k) => {
    const path = `targets[${k}]`;
    if (!allowed.includes(target)) return [{ field: path, message: `must be one of ${allowed.join(', ')} for a rule on ${rule.object}` }];
    if (rule.targets.indexOf(target) < k) return [{ field: path, message: `'${target}' is already a target` }];
    if (!combinationsSound) return [];
    const checkable = rule.combinations.some((c) => c.every((m) => fieldsOfKind(target, kindOf(rule.object, m.field)).length > 0));
    return checkable ? [] : [{ field: path, message: `no combination can be checked against ${target}: it lacks a field of every combination` }];
  });
}

/**
 * The rules a tenant starts with. Only the unified social credit code blocks: it is unique per
 * legal entity by law, so a second customer with it is certainly a duplicate. Everything else
 * warns, because a false block stops a salesperson's work while a false warning costs a glance:
 * a fuzzy name can be a sister company, a landline can be a shared switchboard, and 王伟 under
 * one customer can be two people. Leads are checked against customers and contacts too (a lead
 * for a company that is already a customer should go to its owner); customers against leads
 * (convert the lead instead); contacts against leads. Opportunities: a similar name for the same
 * customer.
 */
export function defaultDuplicateRules(): DuplicateRule[] {
  const similar = (field: string): FieldMatch => ({ field, mode: 'fuzzy', threshold: DEFAULT_FUZZY_THRESHOLD });
  const same = (field: string): FieldMatch => ({ field, mode: 'exact' });
  const rule = (id: string, object: DuplicateObject, name: string, combinations: FieldMatch[][], targets: DuplicateObject[], action: DuplicateAction) =>
    ({ id, object, name, combinations, targets, action, enabled: true }) satisfies DuplicateRule;
  return [
    rule('customer-credit-code', 'customer', 'Same unified social credit code', [[same('unifiedSocialCreditCode')]], ['customer'], 'block'),
    rule('customer-name-phone', 'customer', 'Similar name or same phone', [[similar('name')], [same('phone')]], ['customer', 'lead'], 'warn'),
    rule(
      'lead-company-phone-email',
      'lead',
      'Similar company, same phone or same email',
      [[similar('company')], [same('phone')], [same('mobile')], [same('email')]],
      ['lead', 'customer', 'contact'],
      'warn',
    ),
    rule(
      'contact-phone-email-name',
      'contact',
      'Same phone, same email, or same name at the same customer',
      [[same('phones')], [same('email')], [same('name'), same('customerId')]],
      ['contact', 'lead'],
      'warn',
    ),
    rule('opportunity-name', 'opportunity', 'Similar name for the same customer', [[similar('name'), same('customerId')]], ['opportunity'], 'warn'),
  ];
}
