import { notFound } from '@crm/kernel';
import { ImportObject } from '../domain/import-columns';

export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** An import job as the API shows it. */
export interface ImportJobView {
  id: string;
  tenantId: string;
  object: ImportObject;
  fileName: string;
  format: 'csv' | 'xlsx';
  fileSha256: string;
  fileSize: number;
  status: ImportStatus;
  /** Data rows in the file (null until a worker has read it). */
  total: number | null;
  processed: number;
  succeeded: number;
  failed: number;
  /** Why the whole job failed (unreadable file, missing columns); row problems are in the error report. */
  failureReason: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The columns of import_jobs the view reads (never the file content). */
export const JOB_COLUMNS =
  'id, tenant_id, object, file_name, file_format, file_sha256, file_size, status, total, processed, succeeded, failed, failure_reason, created_by, created_at, started_at, finished_at';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function toJobView(r: any): ImportJobView {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: r.id,
    tenantId: r.tenant_id,
    object: r.object,
    fileName: r.file_name,
    format: r.file_format,
    fileSha256: r.file_sha256,
    fileSize: Number(r.file_size),
    status: r.status,
    total: r.total === null ? null : Number(r.total),
    processed: Number(r.processed),
    succeeded: Number(r.succeeded),
    failed: Number(r.failed),
    failureReason: r.failure_reason,
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  };
}

export const importNotFound = () => notFound('IMPORT.NOT_FOUND', 'No such import job in your organisation, or it is not yours.');
