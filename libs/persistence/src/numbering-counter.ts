import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { NumberingRule, formatCode, periodKey } from '@crm/kernel';

/**
 * Next code for a numbering rule. One upsert on a counter row: Postgres serialises concurrent
 * increments of the same row, so parallel callers get distinct, consecutive serials; a rolled-back
 * transaction gives its number back.
 */
export async function nextCode(manager: EntityManager, tenantId: string, ruleKey: string, rule: NumberingRule, at = new Date()): Promise<string> {
  const period = periodKey(rule, at);
  const rows: { value: string }[] = await manager.query(
    `INSERT INTO numbering_counters (tenant_id, rule_key, period, value) VALUES ($1, $2, $3, 1)
     ON CONFLICT (tenant_id, rule_key, period) DO UPDATE SET value = numbering_counters.value + 1
     RETURNING value`,
    [tenantId, ruleKey, period],
  );
  return formatCode(rule, at, Number(rows[0].value));
}

export class NumberingCounters1700000000100 implements MigrationInterface {
  name = 'NumberingCounters1700000000100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE numbering_counters (
      tenant_id uuid NOT NULL,
      rule_key text NOT NULL,
      period text NOT NULL,
      value bigint NOT NULL,
      PRIMARY KEY (tenant_id, rule_key, period))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE numbering_counters');
  }
}

/**
 * A block of `count` consecutive codes in one upsert (an import numbers thousands of records at
 * once): the counter moves by `count` and the caller gets the serials it skipped over, in order.
 */
export async function nextCodes(manager: EntityManager, tenantId: string, ruleKey: string, rule: NumberingRule, count: number, at = new Date()): Promise<string[]> {
  if (count <= 0) return [];
  const period = periodKey(rule, at);
  const rows: { value: string }[] = await manager.query(
    `INSERT INTO numbering_counters (tenant_id, rule_key, period, value) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, rule_key, period) DO UPDATE SET value = numbering_counters.value + EXCLUDED.value
     RETURNING value`,
    [tenantId, ruleKey, period, count],
  );
  const last = Number(rows[0].value);
  return Array.from({ length: count }, (_, i) => formatCode(rule, at, last - count + 1 + i));
}
