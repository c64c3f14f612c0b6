import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lead conversions sales has acted on, keyed by marketing's conversion id: a replayed or
 * duplicated request finds its row and creates nothing more. The row is written in the same
 * transaction as the customer and contact it records.
 */
export class LeadConversions1700000002200 implements MigrationInterface {
  name = 'LeadConversions1700000002200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE lead_conversions (
      conversion_id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      lead_id uuid NOT NULL,
      requested_by uuid NOT NULL,
      outcome text CHECK (outcome IN ('completed', 'failed')),
      customer_id uuid REFERENCES customers (id),
      contact_id uuid REFERENCES contacts (id),
      failure_code text,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX lead_conversions_lead ON lead_conversions (tenant_id, lead_id)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE lead_conversions');
  }
}
