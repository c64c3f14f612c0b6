import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Import jobs and their error reports. The uploaded file lives in the job row (bytea) until the job
 * is done, so whichever replica's worker picks the job (FOR UPDATE SKIP LOCKED) can read it; the
 * content is dropped once the job completes or fails. One job per (tenant, object, file content):
 * uploading the same file again answers that job, which is what makes re-uploads add nothing.
 */
export class Imports1700000005000 implements MigrationInterface {
  name = 'Imports1700000005000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE import_jobs (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      object text NOT NULL CHECK (object IN ('lead', 'customer', 'contact')),
      file_name text NOT NULL,
      file_format text NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
      file_sha256 text NOT NULL,
      file_size integer NOT NULL,
      content bytea,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
      total integer,
      processed integer NOT NULL DEFAULT 0,
      succeeded integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      failure_reason text,
      attempts integer NOT NULL DEFAULT 0,
      created_by uuid NOT NULL,
      request_id text,
      ip text,
      traceparent text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      heartbeat_at timestamptz)`);
    await q.query('CREATE UNIQUE INDEX import_jobs_same_file ON import_jobs (tenant_id, object, file_sha256)');
    await q.query("CREATE INDEX import_jobs_pending ON import_jobs (created_at) WHERE status IN ('queued', 'running')");
    await q.query('CREATE INDEX import_jobs_creator ON import_jobs (tenant_id, created_by, created_at DESC)');
    await q.query('CREATE INDEX import_jobs_tenant ON import_jobs (tenant_id, created_at DESC)');
    await q.query(`CREATE TABLE import_errors (
      id bigserial PRIMARY KEY,
      tenant_id uuid NOT NULL,
      job_id uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
      row integer NOT NULL,
      field text NOT NULL,
      reason text NOT NULL)`);
    await q.query('CREATE INDEX import_errors_job ON import_errors (tenant_id, job_id, row, id)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE import_errors');
    await q.query('DROP TABLE import_jobs');
  }
}
