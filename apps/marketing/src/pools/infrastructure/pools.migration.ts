import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pools (customer and lead pools share one table, told apart by `kind`), the ownership ledger of
 * customers fed by sales' events, and the per-customer ownership history every pool action writes.
 */
export class Pools1700000003000 implements MigrationInterface {
  name = 'Pools1700000003000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE pools (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('customer', 'lead')),
      code text NOT NULL,
      name text NOT NULL,
      description text,
      is_default boolean NOT NULL DEFAULT false,
      admin_ids uuid[] NOT NULL DEFAULT '{}',
      member_ids uuid[] NOT NULL DEFAULT '{}',
      tags text[] NOT NULL DEFAULT '{}',
      review_type text NOT NULL CHECK (review_type IN ('none', 'review', 'approval')),
      allocation text NOT NULL CHECK (allocation IN ('assign-only', 'claim-and-assign')),
      rules jsonb NOT NULL DEFAULT '{}',
      created_by uuid NOT NULL,
      updated_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE UNIQUE INDEX pools_tenant_code ON pools (tenant_id, code)');
    // Exactly one default per kind per tenant: the handlers unset the old one in the same transaction.
    await q.query('CREATE UNIQUE INDEX pools_one_default ON pools (tenant_id, kind) WHERE is_default');
    await q.query('CREATE INDEX pools_tenant ON pools (tenant_id, kind, created_at DESC)');

    // Per customer: exactly one of an owner and a pool. name/code are copies from sales' events for pool lists.
    await q.query(`CREATE TABLE customer_ledger (
      customer_id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      code text NOT NULL,
      name text NOT NULL,
      owner_id uuid,
      pool_id uuid REFERENCES pools (id),
      owned_since timestamptz NOT NULL,
      last_follow_up_at timestamptz,
      last_deal_at timestamptz,
      deleted boolean NOT NULL DEFAULT false,
      sales_synced_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((owner_id IS NULL) <> (pool_id IS NULL)))`);
    await q.query('CREATE INDEX customer_ledger_owner ON customer_ledger (tenant_id, owner_id) WHERE owner_id IS NOT NULL AND NOT deleted');
    await q.query('CREATE INDEX customer_ledger_pool ON customer_ledger (pool_id, owned_since DESC) WHERE pool_id IS NOT NULL');

    await q.query(`CREATE TABLE customer_ownership_history (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      customer_id uuid NOT NULL,
      action text NOT NULL CHECK (action IN ('claim', 'assign', 'return', 'transfer', 'recycle')),
      from_owner_id uuid,
      to_owner_id uuid,
      from_pool_id uuid,
      to_pool_id uuid,
      actor_id uuid,
      reason text,
      at timestamptz NOT NULL)`);
    await q.query('CREATE INDEX ownership_history_customer ON customer_ownership_history (tenant_id, customer_id, at DESC)');
    // The claim quotas count a claimant's claims per day and per customer.
    await q.query("CREATE INDEX ownership_history_claims ON customer_ownership_history (tenant_id, to_owner_id, at) WHERE action = 'claim'");
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE customer_ownership_history');
    await q.query('DROP TABLE customer_ledger');
    await q.query('DROP TABLE pools');
  }
}
