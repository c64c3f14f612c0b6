import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Duplicate checks (查重): each tenant's rules, and the index the checks search.
 *
 * `duplicate_index` holds one row per lead (written in the lead's own transaction), customer and
 * contact (projected from sales' events). Keys are computed by the application (domain/normalise)
 * on write, one column per kind of field, so a lead's company and a customer's name meet in
 * `company_key`:
 * - exact matches are btree lookups on `(tenant_id, <kind>_key)`, partial on live rows; phones,
 *   several per record, live in `duplicate_phone_keys (tenant_id, phone_key)`;
 * - fuzzy names are found through the distinct character bigrams of the key (`*_bigrams`, GIN)
 *   and their count: a candidate scoring at least t shares at least `minSharedBigrams` bigrams
 *   with the probe and has a bigram count within [t·p/(2−t), p·(2−t)/t], so searching for any
 *   p − s + 1 of the probe's bigrams (the rarest) loses no candidate. No pg_trgm: it needs a
 *   UTF-8 locale to see CJK letters, and scores short Chinese names poorly (see domain/similarity).
 *   The GIN index has no tenant column (btree_gin would be an extension to install): bigrams of
 *   names are rare enough that the tenant filter on the few hits costs little.
 * - `keys` keeps every normalised key of the record as the domain's NormalisedRecord.keys, for
 *   rescoring the candidates in TypeScript with the rules' own scorer.
 * Deleted records stay, flagged, because sales restores customers with their contacts under one
 * event: a contact removed with its customer is `customer_deleted`, one removed on its own `deleted`.
 * `source_updated_at` keeps a late event from overwriting a newer state.
 *
 * The lead rows follow owner changes and deletions made anywhere (pools, handovers) by a trigger,
 * so the handlers that move leads need not know about the index.
 */
export class Duplicates1700000004000 implements MigrationInterface {
  name = 'Duplicates1700000004000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE duplicate_rules (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      object text NOT NULL,
      name text NOT NULL,
      combinations jsonb NOT NULL,
      targets text[] NOT NULL,
      action text NOT NULL CHECK (action IN ('block', 'warn')),
      enabled boolean NOT NULL DEFAULT true,
      position integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX duplicate_rules_tenant ON duplicate_rules (tenant_id, object, position)');
    await q.query('CREATE TABLE duplicate_rule_seeds (tenant_id uuid PRIMARY KEY, seeded_at timestamptz NOT NULL DEFAULT now())');

    await q.query(`CREATE TABLE duplicate_index (
      tenant_id uuid NOT NULL,
      object text NOT NULL CHECK (object IN ('lead', 'customer', 'contact')),
      record_id uuid NOT NULL,
      owner_id uuid,
      display_name text NOT NULL,
      customer_id uuid,
      company_key text,
      company_bigrams text[] NOT NULL DEFAULT '{}',
      company_bigram_count smallint NOT NULL DEFAULT 0,
      person_key text,
      person_bigrams text[] NOT NULL DEFAULT '{}',
      person_bigram_count smallint NOT NULL DEFAULT 0,
      email_key text,
      credit_code_key text,
      customer_key text,
      keys jsonb NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      customer_deleted boolean NOT NULL DEFAULT false,
      live boolean GENERATED ALWAYS AS (NOT deleted AND NOT customer_deleted) STORED,
      flagged jsonb,
      source_updated_at timestamptz NOT NULL,
      PRIMARY KEY (object, record_id))`);
    for (const column of ['company_key', 'person_key', 'email_key', 'credit_code_key', 'customer_key']) {
      await q.query(`CREATE INDEX duplicate_index_${column} ON duplicate_index (tenant_id, ${column}) WHERE live AND ${column} IS NOT NULL`);
    }
    await q.query('CREATE INDEX duplicate_index_company_bigrams ON duplicate_index USING gin (company_bigrams) WHERE live');
    await q.query('CREATE INDEX duplicate_index_person_bigrams ON duplicate_index USING gin (person_bigrams) WHERE live');
    await q.query("CREATE INDEX duplicate_index_contacts_of ON duplicate_index (customer_id) WHERE object = 'contact'");

    await q.query(`CREATE TABLE duplicate_phone_keys (
      tenant_id uuid NOT NULL,
      phone_key text NOT NULL,
      object text NOT NULL,
      record_id uuid NOT NULL,
      PRIMARY KEY (tenant_id, phone_key, object, record_id),
      FOREIGN KEY (object, record_id) REFERENCES duplicate_index (object, record_id) ON DELETE CASCADE)`);
    await q.query('CREATE INDEX duplicate_phone_keys_record ON duplicate_phone_keys (object, record_id)');

    await q.query(`CREATE FUNCTION duplicate_index_follow_lead() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE duplicate_index SET owner_id = NEW.owner_id, deleted = NEW.deleted_at IS NOT NULL
        WHERE object = 'lead' AND record_id = NEW.id
          AND (owner_id IS DISTINCT FROM NEW.owner_id OR deleted <> (NEW.deleted_at IS NOT NULL));
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER leads_duplicate_index AFTER UPDATE OF owner_id, deleted_at ON leads
      FOR EACH ROW EXECUTE FUNCTION duplicate_index_follow_lead()`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER leads_duplicate_index ON leads');
    await q.query('DROP FUNCTION duplicate_index_follow_lead()');
    await q.query('DROP TABLE duplicate_phone_keys');
    await q.query('DROP TABLE duplicate_index');
    await q.query('DROP TABLE duplicate_rule_seeds');
    await q.query('DROP TABLE duplicate_rules');
  }
}
