import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data dictionaries: the items of each tenant's dictionaries, and which tenants already got a
 * kind's defaults (so an item an administrator deleted is not seeded again). A code is unique in
 * its dictionary regardless of case, so `a` and `A` never mean two things.
 */
export class Dictionaries1700000001500 implements MigrationInterface {
  name = 'Dictionaries1700000001500';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dictionary_items (
      tenant_id uuid NOT NULL,
      kind text NOT NULL,
      code text NOT NULL,
      label text NOT NULL,
      label_en text,
      sort integer NOT NULL DEFAULT 0,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, kind, code))`);
    await q.query('CREATE UNIQUE INDEX dictionary_items_code_ci ON dictionary_items (tenant_id, kind, lower(code))');
    await q.query(`CREATE TABLE dictionary_seeds (
      tenant_id uuid NOT NULL,
      kind text NOT NULL,
      seeded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, kind))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dictionary_seeds');
    await q.query('DROP TABLE dictionary_items');
  }
}
