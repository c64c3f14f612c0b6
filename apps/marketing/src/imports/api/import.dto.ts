import { ApiProperty } from '@nestjs/swagger';
import { IMPORT_OBJECTS, ImportObject } from '../domain/import-columns';
import { IMPORT_STATUSES, ImportStatus } from '../application/import-job-view';

const USER_ID = '0190a6e2-7b3c-7d4e-8f00-000000000003';

export class ImportJobDto {
  @ApiProperty({ description: 'Import job id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000700', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Organisation.', example: '0190a6e2-7b3c-7d4e-8f00-000000000001', format: 'uuid' }) tenantId!: string;
  @ApiProperty({ description: 'What the rows become.', example: 'lead', enum: IMPORT_OBJECTS }) object!: ImportObject;
  @ApiProperty({ description: 'The uploaded file\u2019s name.', example: 'leads-2025-03.xlsx' }) fileName!: string;
  @ApiProperty({ description: 'The file\u2019s format, from its content.', example: 'xlsx', enum: ['csv', 'xlsx'] }) format!: 'csv' | 'xlsx';
  @ApiProperty({ description: 'SHA-256 of the file: the same file for the same object in the organisation is this job again.', example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) fileSha256!: string;
  @ApiProperty({ description: 'File size in bytes.', example: 48213 }) fileSize!: number;
  @ApiProperty({ description: '`queued` → `running` → `completed`, or `failed` when the file as a whole cannot be imported (see failureReason).', example: 'running', enum: IMPORT_STATUSES }) status!: ImportStatus;
  @ApiProperty({ description: 'Data rows in the file (blank rows not counted); null until a worker has read it.', example: 10000, nullable: true, type: Number }) total!: number | null;
  @ApiProperty({ description: 'Rows handled so far.', example: 4000 }) processed!: number;
  @ApiProperty({ description: 'Rows imported.', example: 3880 }) succeeded!: number;
  @ApiProperty({ description: 'Rows not imported (invalid or duplicates): see the error report.', example: 120 }) failed!: number;
  @ApiProperty({ description: 'Why the whole job failed.', example: null, nullable: true, type: String }) failureReason!: string | null;
  @ApiProperty({ description: 'Who uploaded it (owner of the imported records).', example: USER_ID, format: 'uuid' }) createdBy!: string;
  @ApiProperty({ description: 'When it was uploaded.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'When a worker started it.', example: '2025-03-28T08:00:00.100Z', format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ description: 'When it completed or failed.', example: null, format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
}

export class ImportJobPageDto {
  @ApiProperty({ type: [ImportJobDto], description: 'This page of jobs, latest first.' }) items!: ImportJobDto[];
  @ApiProperty({ description: 'Jobs in all pages.', example: 3 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}

export class ImportRowErrorDto {
  @ApiProperty({ description: 'Row number as the spreadsheet shows it (the header is row 1).', example: 17 }) row!: number;
  @ApiProperty({ description: 'The column (field key).', example: 'email' }) field!: string;
  @ApiProperty({ description: 'What is wrong.', example: 'not an e-mail address' }) reason!: string;
}
