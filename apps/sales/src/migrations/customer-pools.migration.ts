import { MigrationInterface, QueryRunner } from 'typeorm';
import { customerCountsAddBody } from './customer-counts.migration';

/**
 * Owners the counters use for customers in a public pool (owner_id NULL): no user has this id, so
 * owner and department scopes never reach it while an ALL-scope total (the sum of every owner's
 * counter) still includes pooled customers.
 */
export const POOLED_OWNER = '00000000-0000-0000-0000-000000000000';

/**
 * Customers (and their contacts) may sit in marketing's public pools (公海池) with no owner:
 * owner_id becomes nullable and pool_id names the pool, as marketing's owner-changed events say.
 * Exactly one of them is set on a customer.
 */
export class CustomerPools1700000002100 implements MigrationInterface {
  name = 'CustomerPools1700000002100';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE customers ALTER COLUMN owner_id DROP NOT NULL, ADD COLUMN pool_id uuid');
    await q.query('ALTER TABLE customers ADD CONSTRAINT customers_owner_or_pool CHECK ((owner_id IS NULL) <> (pool_id IS NULL))');
    await q.query('ALTER TABLE contacts ALTER COLUMN owner_id DROP NOT NULL');
    await q.query(`CREATE OR REPLACE FUNCTION customer_counts_add() ${customerCountsAddBody(`COALESCE(owner_id, '${POOLED_OWNER}'::uuid)`)}`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION customer_counts_add() ${customerCountsAddBody('owner_id')}`);
    await q.query('ALTER TABLE contacts ALTER COLUMN owner_id SET NOT NULL');
    await q.query('ALTER TABLE customers DROP CONSTRAINT customers_owner_or_pool');
    await q.query('ALTER TABLE customers DROP COLUMN pool_id, ALTER COLUMN owner_id SET NOT NULL');
  }
}
