import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { AppError, newId, validationError } from '@crm/kernel';
import { IMPORT_OBJECTS, IMPORTABLE_OBJECTS, ImportObject, mapHeaders } from '../domain/import-columns';
import { parseCsv } from '../domain/csv';
import { NotASpreadsheet, decodeCsv, detectFormat } from '../infrastructure/spreadsheet';
import { ImportJobView, JOB_COLUMNS, toJobView } from './import-job-view';
import { ImportWorker } from './import-worker';

export interface UploadedFile {
  fileName: string;
  content: Buffer;
}

const notASpreadsheet = (message: string) => new AppError('validation', 'IMPORT.NOT_A_SPREADSHEET', message, [{ field: 'file', message }]);

/**
 * Queues an import: the file is checked to be a spreadsheet, kept in the job row, and a worker (in
 * any replica) processes it. The same file (byte for byte) for the same object in the same
 * organisation answers the job that already exists, whoever uploaded it: its rows are in already.
 */
@Injectable()
export class StartImportHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly worker: ImportWorker,
  ) {}

  async execute(ctx: RequestContext, object: string | undefined, file: UploadedFile | undefined): Promise<{ job: ImportJobView; created: boolean }> {
    const errors = [];
    if (!object) errors.push({ field: 'object', message: `required: one of ${IMPORT_OBJECTS.join(', ')}` });
    else if (!(IMPORT_OBJECTS as readonly string[]).includes(object)) errors.push({ field: 'object', message: `must be one of ${IMPORT_OBJECTS.join(', ')}` });
    if (!file) errors.push({ field: 'file', message: 'required: a CSV or XLSX file' });
    if (errors.length) throw validationError(errors);
    if (!(IMPORTABLE_OBJECTS as readonly string[]).includes(object!)) {
      throw new AppError('validation', 'IMPORT.OBJECT_NOT_SUPPORTED', `Importing ${object} records is not available yet (its template is); leads can be imported.`, [
        { field: 'object', message: `not importable yet; importable: ${IMPORTABLE_OBJECTS.join(', ')}` },
      ]);
    }
    const { fileName, content } = file!;
    let format;
    try {
      format = detectFormat(content);
      // A CSV's header is cheap to check now; a workbook's is checked by the worker.
      if (format === 'csv') checkCsvHeader(object as ImportObject, content);
    } catch (err) {
      if (err instanceof NotASpreadsheet) throw notASpreadsheet(err.message);
      throw err;
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    const { tenantId, userId } = ctx.caller;
    const inserted = await this.dataSource.query(
      `INSERT INTO import_jobs (id, tenant_id, object, file_name, file_format, file_sha256, file_size, content, created_by, request_id, ip, traceparent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (tenant_id, object, file_sha256) DO NOTHING
       RETURNING ${JOB_COLUMNS}`,
      [newId(), tenantId, object, fileName.slice(0, 255), format, sha256, content.length, content, userId, ctx.requestId ?? null, ctx.ip ?? null, ctx.traceparent ?? null],
    );
    if (inserted.length) {
      this.worker.wake();
      return { job: toJobView(inserted[0]), created: true };
    }
    const [existing] = await this.dataSource.query(`SELECT ${JOB_COLUMNS} FROM import_jobs WHERE tenant_id = $1 AND object = $2 AND file_sha256 = $3`, [tenantId, object, sha256]);
    return { job: toJobView(existing), created: false };
  }
}

function checkCsvHeader(object: ImportObject, content: Buffer): void {
  const newline = content.subarray(0, 64 * 1024).indexOf(0x0a);
  const [header = []] = parseCsv(decodeCsv(content.subarray(0, newline < 0 ? 64 * 1024 : newline)));
  const { indexOf, missing } = mapHeaders(object, header);
  if (!indexOf.size) throw new NotASpreadsheet('The first line names none of the template\u2019s columns: download the template and keep its header row.');
  if (missing.length) throw new NotASpreadsheet(`The header lacks the required columns ${missing.map((c) => `${c.label} ${c.key}`).join(', ')}.`);
}
