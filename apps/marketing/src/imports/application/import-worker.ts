import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IMPORT_COLUMNS, ImportObject, mapHeaders } from '../domain/import-columns';
import { LeadRow, RowError, validateLeadRow } from '../domain/lead-row';
import { NotASpreadsheet, SpreadsheetFormat, readRows } from '../infrastructure/spreadsheet';
import { insertLeadBatch } from './import-leads';
import { checkLeadImportDuplicates, newFileKeys } from './lead-import-duplicates';

export const IMPORT_SETTINGS = Symbol('IMPORT_SETTINGS');
export interface ImportSettings {
  maxBytes: number;
  pollIntervalMs: number;
  /** Rows per transaction. */
  batchSize: number;
}

/** A running job whose worker has not reported for this long is taken over by another (its replica died). */
const STALE_AFTER_SECONDS = 60;
/** A job that broke its worker this many times fails instead of breaking the next one. */
const MAX_ATTEMPTS = 3;

interface ClaimedJob {
  id: string;
  tenant_id: string;
  object: ImportObject;
  file_format: SpreadsheetFormat;
  content: Buffer;
  processed: number;
  created_by: string;
  request_id: string | null;
  ip: string | null;
  traceparent: string | null;
  attempts: number;
}

class JobFailed extends Error {}

/**
 * Processes queued import jobs, one at a time per replica: a job row is claimed with FOR UPDATE
 * SKIP LOCKED, so replicas share the queue without taking the same job. Each batch of rows commits
 * with the job's counters, so progress is exact and a job taken over after a crash (or a shutdown,
 * which puts it back in the queue) resumes after its last committed batch.
 */
@Injectable()
export class ImportWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('ImportWorker');
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private again = false;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(IMPORT_SETTINGS) private readonly settings: ImportSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.current;
  }

  /** A job was queued here: look now rather than at the next poll. */
  wake(): void {
    if (this.current) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.current = this.drain().finally(() => {
        this.current = undefined;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.settings.pollIntervalMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    try {
      for (let job = await this.claim(); job && !this.stopping; job = await this.claim()) await this.run(job);
    } catch (err) {
      if (!this.stopping) this.log.error(`import worker: ${(err as Error).message}`, (err as Error).stack);
    }
  }

  private async claim(): Promise<ClaimedJob | undefined> {
    const [rows] = await this.dataSource.query(
      `UPDATE import_jobs SET status = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now(), attempts = attempts + 1
        WHERE id = (SELECT id FROM import_jobs
                     WHERE status = 'queued' OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => $1))
                     ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id, tenant_id, object, file_format, content, processed, created_by, request_id, ip, traceparent, attempts`,
      [STALE_AFTER_SECONDS],
    );
    return rows?.[0];
  }

  private async run(job: ClaimedJob): Promise<void> {
    try {
      if (job.attempts > MAX_ATTEMPTS) throw new JobFailed(`The import stopped ${MAX_ATTEMPTS} times without finishing; upload the file again after fixing it.`);
      await this.process(job);
    } catch (err) {
      if (this.stopping && !(err instanceof JobFailed)) return;
      const reason = err instanceof JobFailed || err instanceof NotASpreadsheet ? err.message : 'The import failed unexpectedly; it has been logged.';
      if (!(err instanceof JobFailed || err instanceof NotASpreadsheet)) this.log.error(`import ${job.id} failed: ${(err as Error).message}`, (err as Error).stack);
      await this.dataSource.query("UPDATE import_jobs SET status = 'failed', failure_reason = $2, finished_at = now(), content = NULL WHERE id = $1", [job.id, reason]);
    }
  }

  private async process(job: ClaimedJob): Promise<void> {
    const rows = await readRows(job.content, job.file_format);
    const { indexOf, missing } = mapHeaders(job.object, rows[0] ?? []);
    if (!indexOf.size) throw new JobFailed('The first row names none of the template\u2019s columns: download the template and keep its header row.');
    if (missing.length) throw new JobFailed(`The header lacks the required columns ${missing.map((c) => `${c.label} ${c.key}`).join(', ')}.`);
    if (job.object !== 'lead') throw new JobFailed(`Importing ${job.object} records is not available yet.`);

    // Row numbers as the spreadsheet shows them (the header is row 1); blank rows are skipped, not counted.
    const data: { number: number; cells: string[] }[] = [];
    for (let i = 1; i < rows.length; i++) if (rows[i].some((c) => c !== '')) data.push({ number: i + 1, cells: rows[i] });
    await this.dataSource.query('UPDATE import_jobs SET total = $2, heartbeat_at = now() WHERE id = $1', [job.id, data.length]);

    const actor = { tenantId: job.tenant_id, userId: job.created_by, requestId: job.request_id, ip: job.ip, traceparent: job.traceparent ?? undefined };
    const keys = newFileKeys();
    const columns = IMPORT_COLUMNS[job.object].map((c) => c.key);
    const positions = new Map(columns.map((k) => [k, indexOf.get(k) ?? -1]));
    const statistics = await this.statisticsOf();
    for (let start = Number(job.processed); start < data.length; start += this.settings.batchSize) {
      if (this.stopping) {
        await this.dataSource.query("UPDATE import_jobs SET status = 'queued', heartbeat_at = NULL WHERE id = $1 AND status = 'running'", [job.id]);
        return;
      }
      await this.keepStatistics(statistics);
      const batch = data.slice(start, start + this.settings.batchSize);
      const errors: RowError[] = [];
      const good: LeadRow[] = [];
      for (const { number, cells } of batch) {
        const checked = validateLeadRow(number, (key) => {
          const at = positions.get(key) ?? -1;
          return at < 0 ? '' : (cells[at] ?? '');
        });
        if ('lead' in checked) good.push(checked.lead);
        else errors.push(...checked.errors);
      }
      await this.dataSource.transaction(async (m) => {
        const { inserted, rejected } = await insertLeadBatch(m, actor, good, keys, checkLeadImportDuplicates);
        errors.push(...rejected);
        statistics.added += inserted;
        if (errors.length) {
          await m.query('INSERT INTO import_errors (tenant_id, job_id, row, field, reason) SELECT $5, $1, * FROM unnest($2::int[], $3::text[], $4::text[])', [
            job.id, errors.map((e) => e.row), errors.map((e) => e.field), errors.map((e) => e.reason), actor.tenantId,
          ]);
        }
        await m.query('UPDATE import_jobs SET processed = $2, succeeded = succeeded + $3, failed = failed + $4, heartbeat_at = now() WHERE id = $1', [
          job.id, start + batch.length, inserted, batch.length - inserted,
        ]);
      });
    }
    await this.dataSource.query("UPDATE import_jobs SET status = 'completed', finished_at = now(), content = NULL WHERE id = $1", [job.id]);
  }

  private async statisticsOf(): Promise<{ known: number; added: number }> {
    const [row] = await this.dataSource.query("SELECT greatest(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = 'duplicate_index'::regclass");
    return { known: Number(row?.n ?? 0), added: 0 };
  }

  /**
   * A large import grows the tables the duplicate hook reads faster than autovacuum re-analyses
   * them; on statistics that still say "empty" the planner walks the tenant's rows instead of using
   * the key indexes. Once the job has added a tenth of what the statistics know, refresh them.
   */
  private async keepStatistics(s: { known: number; added: number }): Promise<void> {
    if (s.added < Math.max(1000, s.known / 10)) return;
    await this.dataSource.query('ANALYZE duplicate_index, duplicate_phone_keys, leads');
    Object.assign(s, await this.statisticsOf());
  }
}
