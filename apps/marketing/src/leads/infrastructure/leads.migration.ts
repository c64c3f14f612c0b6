import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leads, their follow-ups and conversions. A lead has an owner or sits in a pool, never both nor
 * neither (pools come with the lead-pool work; until then every lead has an owner). Lists are scoped
 * by tenant and owner and sorted by recency, hence (tenant_id, owner_id, updated_at DESC) on live rows.
 * At most one conversion per lead is pending and at most one completed: a second request while one
 * is under way gets the same one back, and a converted lead converts no more.
 */
export class Leads1700000002000 implements MigrationInterface {
  name = 'Leads1700000002000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE leads (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      code text NOT NULL,
      company text NOT NULL,
      name text NOT NULL,
      phone text,
      email text,
      source text,
      region text,
      industry text,
      tags text[] NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'following', 'converted', 'invalid')),
      owner_id uuid,
      pool_id uuid,
      remarks text,
      customer_id uuid,
      contact_id uuid,
      converted_at timestamptz,
      last_follow_up_at timestamptz,
      created_by uuid NOT NULL,
      updated_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz,
      CONSTRAINT leads_owner_or_pool CHECK ((owner_id IS NULL) <> (pool_id IS NULL)),
      CONSTRAINT leads_converted_linked CHECK (status <> 'converted' OR (customer_id IS NOT NULL AND contact_id IS NOT NULL)))`);
    await q.query('CREATE UNIQUE INDEX leads_tenant_code ON leads (tenant_id, code)');
    await q.query('CREATE INDEX leads_owner ON leads (tenant_id, owner_id, updated_at DESC) WHERE deleted_at IS NULL');
    await q.query('CREATE INDEX leads_pool ON leads (tenant_id, pool_id, updated_at DESC) WHERE deleted_at IS NULL AND pool_id IS NOT NULL');
    await q.query('CREATE INDEX leads_updated ON leads (tenant_id, updated_at DESC) WHERE deleted_at IS NULL');

    await q.query(`CREATE TABLE lead_follow_ups (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      lead_id uuid NOT NULL REFERENCES leads (id),
      owner_id uuid NOT NULL,
      type text NOT NULL CHECK (type IN ('call', 'visit', 'message', 'meeting')),
      content text NOT NULL,
      time timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX lead_follow_ups_lead ON lead_follow_ups (tenant_id, lead_id, time DESC)');

    await q.query(`CREATE TABLE lead_conversions (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      lead_id uuid NOT NULL REFERENCES leads (id),
      status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
      requested_by uuid NOT NULL,
      create_opportunity boolean NOT NULL DEFAULT false,
      customer_id uuid,
      contact_id uuid,
      failure_code text,
      failure_reason text,
      notes text[] NOT NULL DEFAULT '{}',
      requested_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz)`);
    await q.query("CREATE UNIQUE INDEX lead_conversions_one_pending ON lead_conversions (lead_id) WHERE status = 'pending'");
    await q.query("CREATE UNIQUE INDEX lead_conversions_one_completed ON lead_conversions (lead_id) WHERE status = 'completed'");
    await q.query('CREATE INDEX lead_conversions_lead ON lead_conversions (lead_id, requested_at DESC)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE lead_conversions');
    await q.query('DROP TABLE lead_follow_ups');
    await q.query('DROP TABLE leads');
  }
}
