import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers, their contacts and follow-ups. Every list is scoped by tenant and owner and sorted by
 * recency, hence (tenant_id, owner_id, updated_at DESC) on each; soft-deleted rows keep their place
 * (the recycle bin lists them), so the partial indexes cover only live rows.
 */
export class Customers1700000001000 implements MigrationInterface {
  name = 'Customers1700000001000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE customers (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      code text NOT NULL,
      name text NOT NULL,
      short_name text,
      type text,
      source text,
      industry text,
      level text,
      region text,
      address text,
      phone text,
      email text,
      website text,
      unified_social_credit_code text,
      owner_id uuid NOT NULL,
      tags text[] NOT NULL DEFAULT '{}',
      remarks text,
      created_by uuid NOT NULL,
      updated_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz)`);
    await q.query('CREATE UNIQUE INDEX customers_tenant_code ON customers (tenant_id, code)');
    await q.query('CREATE INDEX customers_owner ON customers (tenant_id, owner_id, updated_at DESC) WHERE deleted_at IS NULL');
    await q.query('CREATE INDEX customers_updated ON customers (tenant_id, updated_at DESC) WHERE deleted_at IS NULL');
    await q.query('CREATE INDEX customers_deleted ON customers (tenant_id, deleted_at DESC) WHERE deleted_at IS NOT NULL');

    await q.query(`CREATE TABLE contacts (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      customer_id uuid NOT NULL REFERENCES customers (id),
      owner_id uuid NOT NULL,
      name text NOT NULL,
      title text,
      phones text[] NOT NULL DEFAULT '{}',
      email text,
      decision_role text,
      created_by uuid NOT NULL,
      updated_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz)`);
    await q.query('CREATE INDEX contacts_owner ON contacts (tenant_id, owner_id, updated_at DESC) WHERE deleted_at IS NULL');
    await q.query('CREATE INDEX contacts_customer ON contacts (tenant_id, customer_id)');

    await q.query(`CREATE TABLE follow_ups (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      customer_id uuid NOT NULL REFERENCES customers (id),
      contact_id uuid REFERENCES contacts (id),
      owner_id uuid NOT NULL,
      type text NOT NULL CHECK (type IN ('call', 'visit', 'message', 'meeting')),
      content text NOT NULL,
      time timestamptz NOT NULL,
      next_follow_up_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz)`);
    await q.query('CREATE INDEX follow_ups_owner ON follow_ups (tenant_id, owner_id, updated_at DESC) WHERE deleted_at IS NULL');
    await q.query('CREATE INDEX follow_ups_customer ON follow_ups (tenant_id, customer_id, time DESC)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE follow_ups');
    await q.query('DROP TABLE contacts');
    await q.query('DROP TABLE customers');
  }
}
