import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reminders the pools' rules engine has sent: one per customer, rule and clock start, so a
 * reminder goes out once (not at every run) and again only after the clock restarts (a follow-up,
 * a deal, a new owner) and runs out once more. `notified_at` stays null until the notification
 * summarising it has been put in the outbox.
 */
export class PoolRules1700000003100 implements MigrationInterface {
  name = 'PoolRules1700000003100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE pool_reminders (
      customer_id uuid NOT NULL,
      rule text NOT NULL CHECK (rule IN ('remindNoFollowUpDays', 'remindNoDealDays')),
      clock_started_at timestamptz NOT NULL,
      tenant_id uuid NOT NULL,
      pool_id uuid NOT NULL,
      owner_id uuid NOT NULL,
      days integer NOT NULL,
      due_at timestamptz NOT NULL,
      reminded_at timestamptz NOT NULL,
      -- When the administrators' notification went out: recorded first (in the run's slices), told once per run.
      notified_at timestamptz,
      PRIMARY KEY (customer_id, rule, clock_started_at))`);
    // Outdated rows (the clock moved on) are cleared per tenant by the job.
    await q.query('CREATE INDEX pool_reminders_tenant ON pool_reminders (tenant_id)');
    await q.query('CREATE INDEX pool_reminders_unnotified ON pool_reminders (tenant_id) WHERE notified_at IS NULL');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE pool_reminders');
  }
}
