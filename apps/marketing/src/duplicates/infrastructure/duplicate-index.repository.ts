import { EntityManager } from 'typeorm';
import { CandidateRecord, DUPLICATE_FIELDS, DuplicateObject, FieldKind, NormalisedRecord, characterBigrams, minSharedBigrams, normaliseRecord } from '../domain';

/** The objects marketing keeps in its duplicate index (opportunities live in sales only). */
export const INDEXED_OBJECTS = ['lead', 'customer', 'contact'] as const;
export type IndexedObject = (typeof INDEXED_OBJECTS)[number];
export const isIndexed = (o: DuplicateObject): o is IndexedObject => (INDEXED_OBJECTS as readonly string[]).includes(o);

type Queryable = Pick<EntityManager, 'query'>;

/** What the index stores of one record. */
export interface IndexEntry {
  tenantId: string;
  object: IndexedObject;
  recordId: string;
  ownerId: string | null;
  displayName: string;
  /** A contact's customer. */
  customerId?: string | null;
  /** The record's fields as its service names them (normalised here). */
  fields: Record<string, unknown>;
  deleted: boolean;
  /** The time of the state described, so that an older event never overwrites a newer one. */
  updatedAt: Date | string;
}

/** The column holding each kind's key; phones have their own table, titles are not indexed (opportunities). */
const KEY_COLUMNS: Partial<Record<FieldKind, string>> = {
  companyName: 'company_key',
  personName: 'person_key',
  email: 'email_key',
  creditCode: 'credit_code_key',
  customerId: 'customer_key',
};
/** Kinds that can be searched by similarity, with their bigram columns. */
const BIGRAM_COLUMNS: Partial<Record<FieldKind, { grams: string; count: string }>> = {
  companyName: { grams: 'company_bigrams', count: 'company_bigram_count' },
  personName: { grams: 'person_bigrams', count: 'person_bigram_count' },
};

/** The keys of one kind in a normalised record (a kind may come from several fields: a lead's phone and mobile). */
export function keysOfKind(record: NormalisedRecord, kind: FieldKind): string[] {
  const fields = DUPLICATE_FIELDS[record.object];
  const keys = Object.entries(record.keys).flatMap(([field, values]) => (fields[field] === kind ? values : []));
  return [...new Set(keys)];
}

/** Writes (or replaces) a record's row and its phone keys; ignored when the index already has a newer state. */
export async function upsertIndexEntry(db: Queryable, e: IndexEntry): Promise<NormalisedRecord> {
  return (await upsertIndexEntries(db, [e]))[0];
}

/**
 * Set-based `upsertIndexEntry` for many records of one kind of write (an import's batch): three
 * statements whatever the count. Each entry's state replaces the stored one unless that is newer.
 */
export async function upsertIndexEntries(db: Queryable, entries: readonly IndexEntry[]): Promise<NormalisedRecord[]> {
  if (!entries.length) return [];
  const rows = entries.map((e) => {
    const normalised = normaliseRecord(e.object, e.fields);
    const first = (kind: FieldKind) => keysOfKind(normalised, kind)[0] ?? null;
    const company = first('companyName');
    const person = first('personName');
    return { e, normalised, company, person, companyGrams: company ? characterBigrams(company) : [], personGrams: person ? characterBigrams(person) : [], first };
  });
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  // Arrays of arrays do not survive unnest: the bigrams travel as JSON.
  const written: { object: string; record_id: string }[] = await db.query(
    `INSERT INTO duplicate_index (tenant_id, object, record_id, owner_id, display_name, customer_id, company_key, company_bigrams, company_bigram_count,
       person_key, person_bigrams, person_bigram_count, email_key, credit_code_key, customer_key, keys, deleted, source_updated_at)
     SELECT t.tenant_id, t.object, t.record_id, t.owner_id, t.display_name, t.customer_id, t.company_key,
       ARRAY(SELECT jsonb_array_elements_text(t.company_grams)), jsonb_array_length(t.company_grams),
       t.person_key, ARRAY(SELECT jsonb_array_elements_text(t.person_grams)), jsonb_array_length(t.person_grams),
       t.email_key, t.credit_code_key, t.customer_key, t.keys, t.deleted, t.updated_at
     FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::uuid[], $7::text[], $8::jsonb[], $9::text[], $10::jsonb[], $11::text[], $12::text[], $13::text[], $14::jsonb[], $15::boolean[], $16::timestamptz[])
       AS t(tenant_id, object, record_id, owner_id, display_name, customer_id, company_key, company_grams, person_key, person_grams, email_key, credit_code_key, customer_key, keys, deleted, updated_at)
     ON CONFLICT (object, record_id) DO UPDATE SET owner_id = EXCLUDED.owner_id, display_name = EXCLUDED.display_name, customer_id = EXCLUDED.customer_id,
       company_key = EXCLUDED.company_key, company_bigrams = EXCLUDED.company_bigrams, company_bigram_count = EXCLUDED.company_bigram_count,
       person_key = EXCLUDED.person_key, person_bigrams = EXCLUDED.person_bigrams, person_bigram_count = EXCLUDED.person_bigram_count,
       email_key = EXCLUDED.email_key, credit_code_key = EXCLUDED.credit_code_key, customer_key = EXCLUDED.customer_key, keys = EXCLUDED.keys,
       deleted = EXCLUDED.deleted, source_updated_at = EXCLUDED.source_updated_at
     WHERE duplicate_index.source_updated_at <= EXCLUDED.source_updated_at AND duplicate_index.tenant_id = EXCLUDED.tenant_id
     RETURNING object, record_id`,
    [
      col((r) => r.e.tenantId), col((r) => r.e.object), col((r) => r.e.recordId), col((r) => r.e.ownerId), col((r) => r.e.displayName), col((r) => r.e.customerId ?? null),
      col((r) => r.company), col((r) => JSON.stringify(r.companyGrams)), col((r) => r.person), col((r) => JSON.stringify(r.personGrams)),
      col((r) => r.first('email')), col((r) => r.first('creditCode')), col((r) => r.first('customerId')), col((r) => JSON.stringify(r.normalised.keys)),
      col((r) => r.e.deleted), col((r) => new Date(r.e.updatedAt).toISOString()),
    ],
  );
  if (written.length) {
    const done = new Set(written.map((w) => `${w.object}/${w.record_id}`));
    const mine = rows.filter((r) => done.has(`${r.e.object}/${r.e.recordId}`));
    await db.query('DELETE FROM duplicate_phone_keys WHERE (object, record_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))', [mine.map((r) => r.e.object), mine.map((r) => r.e.recordId)]);
    const phones = mine.flatMap((r) => keysOfKind(r.normalised, 'phone').map((phone) => [r.e.tenantId, phone, r.e.object, r.e.recordId]));
    if (phones.length) {
      await db.query(
        'INSERT INTO duplicate_phone_keys (tenant_id, phone_key, object, record_id) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) ON CONFLICT DO NOTHING',
        [0, 1, 2, 3].map((k) => phones.map((p) => p[k])),
      );
    }
  }
  return rows.map((r) => r.normalised);
}

/** A customer's removal to the recycle bin takes its contacts out of the checks with it; a restore brings them back. */
export async function setContactsOfCustomerDeleted(db: Queryable, tenantId: string, customerId: string, deleted: boolean): Promise<void> {
  await db.query("UPDATE duplicate_index SET customer_deleted = $3 WHERE object = 'contact' AND customer_id = $2 AND tenant_id = $1", [tenantId, customerId, deleted]);
}

/** What a write's check decided, kept on the record's row (a warned lead: which records it resembled). */
export async function setFlag(db: Queryable, object: IndexedObject, recordId: string, flagged: unknown): Promise<void> {
  await db.query('UPDATE duplicate_index SET flagged = $3 WHERE object = $1 AND record_id = $2', [object, recordId, flagged === null ? null : JSON.stringify(flagged)]);
}

/** One search the check runs: a kind's keys, exact or similar, among some objects. */
export interface IndexSearch {
  kind: FieldKind;
  mode: 'exact' | 'fuzzy';
  keys: string[];
  /** Fuzzy only. */
  threshold?: number;
  objects: IndexedObject[];
}

export interface FoundRecord extends CandidateRecord {
  object: IndexedObject;
  ownerId: string | null;
  displayName: string;
}

/** Each search returns at most this many rows: enough for any real set of duplicates, bounded for a pathological key. */
const SEARCH_LIMIT = 200;
const SELECTED = 'i.object, i.record_id AS "id", i.owner_id AS "ownerId", i.display_name AS "displayName", i.keys';

/** Whether the kind can be searched in the index at all. */
export const searchable = (kind: FieldKind, mode: 'exact' | 'fuzzy') => (mode === 'fuzzy' ? kind in BIGRAM_COLUMNS : kind === 'phone' || kind in KEY_COLUMNS);

/** The live records one search finds (a superset of the matches: the rules' scorer decides). */
export async function searchIndex(db: Queryable, tenantId: string, s: IndexSearch, rarity: BigramRarity): Promise<FoundRecord[]> {
  if (!s.keys.length || !s.objects.length) return [];
  if (s.mode === 'exact') {
    if (s.kind === 'phone') {
      return db.query(
        `SELECT ${SELECTED} FROM duplicate_phone_keys p JOIN duplicate_index i ON i.object = p.object AND i.record_id = p.record_id
         WHERE p.tenant_id = $1 AND p.phone_key = ANY($2) AND p.object = ANY($3) AND i.live LIMIT ${SEARCH_LIMIT}`,
        [tenantId, s.keys, s.objects],
      );
    }
    const column = KEY_COLUMNS[s.kind];
    if (!column) return [];
    return db.query(`SELECT ${SELECTED} FROM duplicate_index i WHERE i.tenant_id = $1 AND i.${column} = ANY($2) AND i.live AND i.object = ANY($3) LIMIT ${SEARCH_LIMIT}`, [
      tenantId,
      s.keys,
      s.objects,
    ]);
  }
  const columns = BIGRAM_COLUMNS[s.kind];
  if (!columns) return [];
  const found: FoundRecord[] = [];
  for (const key of s.keys) {
    const grams = characterBigrams(key);
    const p = grams.length;
    if (!p) continue;
    const t = s.threshold!;
    const shared = minSharedBigrams(p, t);
    // Any candidate shares one of any p − s + 1 of the probe's bigrams: ask for the rarest ones.
    const probeGrams = (await rarity.rarestFirst(db, columns.grams, grams)).slice(0, p - shared + 1);
    const fewest = Math.ceil((t * p) / (2 - t) - 1e-9);
    const most = Math.floor((p * (2 - t)) / t + 1e-9);
    found.push(
      ...(await db.query(
        `SELECT ${SELECTED} FROM duplicate_index i
         WHERE i.tenant_id = $1 AND i.live AND i.object = ANY($2) AND i.${columns.grams} && $3::text[] AND i.${columns.count} BETWEEN $4 AND $5
           AND cardinality(ARRAY(SELECT unnest(i.${columns.grams}) INTERSECT SELECT unnest($6::text[]))) >= $7
         LIMIT ${SEARCH_LIMIT}`,
        [tenantId, s.objects, probeGrams, fewest, most, grams, shared],
      )),
    );
  }
  return found;
}

/**
 * How common each bigram is, from PostgreSQL's own statistics of the array column
 * (pg_stats.most_common_elems, refreshed by ANALYZE/autovacuum): a bigram absent from the list is
 * rarer than any listed one. Read at most once per `ttlMs` per column, per process.
 */
export class BigramRarity {
  private readonly cache = new Map<string, { at: number; freq: Map<string, number> }>();
  constructor(private readonly ttlMs = 10 * 60_000) {}

  async rarestFirst(db: Queryable, column: string, grams: string[]): Promise<string[]> {
    const freq = await this.frequencies(db, column);
    return [...grams].sort((a, b) => (freq.get(a) ?? 0) - (freq.get(b) ?? 0));
  }

  private async frequencies(db: Queryable, column: string): Promise<Map<string, number>> {
    const cached = this.cache.get(column);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.freq;
    const [row] = await db.query(
      "SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs FROM pg_stats WHERE tablename = 'duplicate_index' AND attname = $1 LIMIT 1",
      [column],
    );
    const freq = new Map<string, number>();
    (row?.elems ?? []).forEach((g: string, i: number) => freq.set(g, Number(row.freqs[i])));
    this.cache.set(column, { at: Date.now(), freq });
    return freq;
  }
}
