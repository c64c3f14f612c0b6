import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operation log of every business service (stored once per entry id, whatever the
 * redeliveries), and handover jobs with one progress row per business service.
 */
export class AuditLogAndHandovers1700000003000 implements MigrationInterface {
  name = 'AuditLogAndHandovers1700000003000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_logs (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      service text NOT NULL,
      object_type text NOT NULL,
      object_id uuid NOT NULL,
      action text NOT NULL,
      actor_id uuid,
      at timestamptz NOT NULL,
      request_id text,
      ip text,
      changes jsonb NOT NULL,
      stored_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX audit_logs_time ON audit_logs (tenant_id, at DESC, id DESC)');
    await q.query('CREATE INDEX audit_logs_record ON audit_logs (tenant_id, object_id, at DESC)');
    await q.query('CREATE INDEX audit_logs_actor ON audit_logs (tenant_id, actor_id, at DESC)');

    await q.query(`CREATE TABLE handovers (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      from_user_id uuid NOT NULL REFERENCES users (id),
      to_user_id uuid NOT NULL REFERENCES users (id),
      status text NOT NULL CHECK (status IN ('running', 'completed')),
      requested_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz)`);
    await q.query('CREATE INDEX handovers_tenant ON handovers (tenant_id, created_at DESC)');
    // At most one running job per leaver: a retried request finds it instead of starting another.
    await q.query("CREATE UNIQUE INDEX handovers_running ON handovers (tenant_id, from_user_id) WHERE status = 'running'");
    await q.query(`CREATE TABLE handover_parts (
      handover_id uuid NOT NULL REFERENCES handovers (id),
      tenant_id uuid NOT NULL,
      service text NOT NULL,
      counts jsonb,
      completed_at timestamptz,
      PRIMARY KEY (handover_id, service))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE handover_parts');
    await q.query('DROP TABLE handovers');
    await q.query('DROP TABLE audit_logs');
  }
}
