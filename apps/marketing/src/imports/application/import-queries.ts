import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '@crm/access';
import { DEFAULT_ROLE_CODES } from '@crm/contracts';
import { ListSpec, Page, UUID_PATTERN, parseListQuery } from '@crm/kernel';
import { toCsv } from '../domain/csv';
import { ImportJobView, JOB_COLUMNS, importNotFound, toJobView } from './import-job-view';

const LIST: ListSpec = { sortable: ['createdAt'], filterable: [], defaultSort: [{ field: 'createdAt', direction: 'DESC' }] };

const isAdmin = (ctx: RequestContext) => ctx.caller.roleCodes.includes(DEFAULT_ROLE_CODES.admin);

/**
 * Reads of import jobs. A job is its creator's (and the organisation administrators'): others in
 * the organisation get 404, as for a record outside their scope; the error report can name any row.
 */
@Injectable()
export class ImportQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<ImportJobView>> {
    const q = parseListQuery(query, LIST);
    const direction = q.sort[0]?.direction === 'ASC' ? 'ASC' : 'DESC';
    const params: unknown[] = [ctx.caller.tenantId];
    let where = 'tenant_id = $1';
    if (!isAdmin(ctx)) {
      params.push(ctx.caller.userId);
      where += ' AND created_by = $2';
    }
    const [rows, [{ count }]] = await Promise.all([
      this.dataSource.query(`SELECT ${JOB_COLUMNS} FROM import_jobs WHERE ${where} ORDER BY created_at ${direction}, id ${direction} LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`, params),
      this.dataSource.query(`SELECT count(*) FROM import_jobs WHERE ${where}`, params),
    ]);
    return { items: rows.map(toJobView), total: Number(count), page: q.page, pageSize: q.pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<ImportJobView> {
    if (!UUID_PATTERN.test(id)) throw importNotFound();
    const [row] = await this.dataSource.query(`SELECT ${JOB_COLUMNS} FROM import_jobs WHERE id = $1 AND tenant_id = $2`, [id, ctx.caller.tenantId]);
    if (!row || (!isAdmin(ctx) && row.created_by !== ctx.caller.userId)) throw importNotFound();
    return toJobView(row);
  }

  /** The error report as CSV (UTF-8 with a BOM, so Excel opens the Chinese text right): row, field, reason. */
  async errorsCsv(ctx: RequestContext, id: string): Promise<{ job: ImportJobView; csv: Buffer }> {
    const job = await this.get(ctx, id);
    const rows: { row: number; field: string; reason: string }[] = await this.dataSource.query('SELECT row, field, reason FROM import_errors WHERE tenant_id = $1 AND job_id = $2 ORDER BY row, id', [ctx.caller.tenantId, id]);
    const csv = toCsv([['row', 'field', 'reason'], ...rows.map((r) => [r.row, r.field, r.reason])]);
    return { job, csv: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]) };
  }

  async errors(ctx: RequestContext, id: string): Promise<{ row: number; field: string; reason: string }[]> {
    await this.get(ctx, id);
    return this.dataSource.query('SELECT row, field, reason FROM import_errors WHERE tenant_id = $1 AND job_id = $2 ORDER BY row, id', [ctx.caller.tenantId, id]);
  }
}
