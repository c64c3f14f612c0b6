import '@fastify/multipart';
import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiPayloadTooLargeResponse, ApiProduces, ApiQuery, ApiTags,
} from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AnySignedInUser, Ctx, RequestContext } from '@crm/access';
import { AppError, Page, validationError } from '@crm/kernel';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { IMPORT_OBJECTS, ImportObject } from '../domain/import-columns';
import { ImportJobView } from '../application/import-job-view';
import { ImportQueries } from '../application/import-queries';
import { IMPORT_SETTINGS, ImportSettings } from '../application/import-worker';
import { StartImportHandler, UploadedFile } from '../application/start-import.handler';
import { template } from '../infrastructure/spreadsheet';
import { ImportJobDto, ImportJobPageDto, ImportRowErrorDto } from './import.dto';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPE = 'text/csv; charset=utf-8';

const attachment = (name: string) => `attachment; filename="${name}"`;

/**
 * Spreadsheet imports (导入). Jobs are their uploader's: the uploader and the organisation's
 * administrators read a job and its error report, anyone else gets 404.
 */
@ApiTags('imports')
@ApiBearerAuth('bearer')
@Controller('api/v1/imports')
export class ImportsController {
  constructor(
    private readonly queries: ImportQueries,
    private readonly startImport: StartImportHandler,
    @Inject(IMPORT_SETTINGS) private readonly settings: ImportSettings,
  ) {}

  @Post()
  @AnySignedInUser()
  @ApiOperation({
    summary: 'Upload a CSV or XLSX file to import (multipart: `object`, `file`)',
    description:
      'The rows are imported in the background: poll `GET /api/v1/imports/{id}`. Valid rows become leads owned by you (each with the next XS- number, its event and audit entry); ' +
      'invalid rows and duplicates (same phone or e-mail as an earlier row or an existing lead) are listed in `GET /api/v1/imports/{id}/errors`. ' +
      'The same file again (byte for byte, same object, same organisation) answers the job it already made (200) and imports nothing more. ' +
      'Templates: `GET /api/v1/imports/templates/{object}`. CSV may be UTF-8 (with or without BOM) or GB18030. Only leads can be imported yet (customer, contact: 400 `IMPORT.OBJECT_NOT_SUPPORTED`). ' +
      'Not a spreadsheet, or a header without the template\u2019s required columns: 400 `IMPORT.NOT_A_SPREADSHEET`; larger than the service\u2019s limit: 413.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['object', 'file'],
      properties: {
        object: { type: 'string', enum: [...IMPORT_OBJECTS], example: 'lead', description: 'What the rows become.' },
        file: { type: 'string', format: 'binary', description: 'The spreadsheet: XLSX (first sheet) or CSV; the first row is the header.' },
      },
    },
  })
  @ApiAcceptedResponse({ type: ImportJobDto, description: 'A new job, queued.' })
  @ApiOkResponse({ type: ImportJobDto, description: 'This file was uploaded before: its job.' })
  @ApiPayloadTooLargeResponse({ description: 'The file is larger than the limit.' })
  @ApiProblems()
  async create(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ImportJobView> {
    const { object, file } = await this.readUpload(req, reply);
    const { job, created } = await this.startImport.execute(ctx, object, file);
    void reply.status(created ? 202 : 200);
    return job;
  }

  @Get()
  @AnySignedInUser()
  @ApiOperation({ summary: 'Your import jobs, latest first (administrators: the organisation\u2019s)' })
  @ApiListQuery(['createdAt'], {})
  @ApiOkResponse({ type: ImportJobPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<Page<ImportJobView>> {
    return this.queries.list(ctx, query);
  }

  @Get('templates/:object')
  @AnySignedInUser()
  @ApiOperation({
    summary: 'Download the import template of an object',
    description: 'One header row in Chinese and English (`公司名称 company`; a star marks required columns) and one example row; the XLSX also has a sheet of notes per column.',
  })
  @ApiParam({ name: 'object', enum: IMPORT_OBJECTS, example: 'lead' })
  @ApiQuery({ name: 'format', required: false, enum: ['xlsx', 'csv'], description: 'xlsx (default) or csv (UTF-8 with BOM).' })
  @ApiProduces(XLSX_TYPE, 'text/csv')
  @ApiOkResponse({ description: 'The template file.', schema: { type: 'string', format: 'binary' } })
  @ApiProblems()
  async template(@Param('object') object: string, @Query('format') format: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const errors = [];
    if (!(IMPORT_OBJECTS as readonly string[]).includes(object)) errors.push({ field: 'object', message: `must be one of ${IMPORT_OBJECTS.join(', ')}` });
    if (format !== undefined && format !== 'xlsx' && format !== 'csv') errors.push({ field: 'format', message: 'must be xlsx or csv' });
    if (errors.length) throw validationError(errors);
    const f = format === 'csv' ? 'csv' : 'xlsx';
    void reply.header('content-type', f === 'csv' ? CSV_TYPE : XLSX_TYPE).header('content-disposition', attachment(`${object}-import-template.${f}`));
    return template(object as ImportObject, f);
  }

  @Get(':id')
  @AnySignedInUser()
  @ApiOperation({ summary: 'An import job and its progress (yours, or any of the organisation\u2019s for administrators; others get 404)' })
  @ApiOkResponse({ type: ImportJobDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<ImportJobView> {
    return this.queries.get(ctx, id);
  }

  @Get(':id/errors')
  @AnySignedInUser()
  @ApiOperation({ summary: 'The error report of an import: one line per problem (row, field, reason)', description: 'CSV (UTF-8 with BOM, for Excel) by default; `format=json` for an array.' })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'json'], description: 'csv (default) or json.' })
  @ApiProduces('text/csv', 'application/json')
  @ApiOkResponse({ type: [ImportRowErrorDto], description: 'The report (as JSON with `format=json`, else CSV with the header row,field,reason).' })
  @ApiProblems('not-found')
  async errors(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query('format') format: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer | ImportRowErrorDto[]> {
    if (format !== undefined && format !== 'csv' && format !== 'json') throw validationError([{ field: 'format', message: 'must be csv or json' }]);
    if (format === 'json') return this.queries.errors(ctx, id);
    const { csv } = await this.queries.errorsCsv(ctx, id);
    void reply.header('content-type', CSV_TYPE).header('content-disposition', attachment(`import-${id}-errors.csv`));
    return csv;
  }

  /** The `object` field and the one `file` of a multipart body; the file is read up to the size limit. */
  private async readUpload(req: FastifyRequest, reply: FastifyReply): Promise<{ object?: string; file?: UploadedFile }> {
    if (!req.isMultipart()) throw validationError([{ field: 'file', message: 'send multipart/form-data with the fields object and file' }], 'The upload must be multipart/form-data.');
    let object: string | undefined;
    let file: UploadedFile | undefined;
    try {
      for await (const part of req.parts({ limits: { fileSize: this.settings.maxBytes, files: 1, fields: 10, fieldSize: 1024, parts: 11 } })) {
        if (part.type === 'file') {
          const content = await part.toBuffer();
          if (part.fieldname === 'file') file = { fileName: part.filename || 'upload', content };
        } else if (part.fieldname === 'object') {
          object = String(part.value);
        }
      }
    } catch (err) {
      const code = String((err as { code?: string }).code ?? '');
      if (code === 'FST_REQ_FILE_TOO_LARGE') {
        // The rest of the body is never read: this connection cannot carry another request.
        void reply.header('connection', 'close');
        throw new AppError('payload-too-large', 'IMPORT.FILE_TOO_LARGE', `The file is larger than ${this.settings.maxBytes} bytes.`);
      }
      if (code.startsWith('FST_')) throw validationError([{ field: 'file', message: (err as Error).message }], 'The multipart body could not be read.');
      throw err;
    }
    return { object, file };
  }
}
