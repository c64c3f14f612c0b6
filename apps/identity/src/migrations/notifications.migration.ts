import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users' notification inboxes: one row per message and recipient. */
export class Notifications1700000004000 implements MigrationInterface {
  name = 'Notifications1700000004000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notifications (
      id uuid NOT NULL,
      recipient_id uuid NOT NULL,
      tenant_id uuid NOT NULL,
      service text NOT NULL,
      kind text NOT NULL,
      title text NOT NULL,
      body text NOT NULL,
      subject_type text,
      subject_id uuid,
      at timestamptz NOT NULL,
      read_at timestamptz,
      PRIMARY KEY (id, recipient_id))`);
    await q.query('CREATE INDEX notifications_inbox ON notifications (tenant_id, recipient_id, at DESC, id)');
    await q.query('CREATE INDEX notifications_unread ON notifications (tenant_id, recipient_id, at DESC) WHERE read_at IS NULL');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notifications');
  }
}
