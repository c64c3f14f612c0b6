import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ACTIONS, BUSINESS_SERVICES } from '@crm/contracts';

export class AuditChangeDto {
  @ApiProperty({ description: 'The field, as the record\u2019s API names it.', example: 'level' }) field!: string;
  @ApiProperty({ description: 'Its value before the change (null when it had none, e.g. on create).', example: 'A', nullable: true }) before!: unknown;
  @ApiProperty({ description: 'Its value after the change.', example: 'B', nullable: true }) after!: unknown;
}

export class AuditLogDto {
  @ApiProperty({ description: 'Entry id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000900', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The service that owns the record.', example: 'sales', enum: BUSINESS_SERVICES }) service!: string;
  @ApiProperty({ description: 'Kind of record.', example: 'customer' }) objectType!: string;
  @ApiProperty({ description: 'The record.', example: '0190a6e2-7b3c-7d4e-8f00-000000000100', format: 'uuid' }) objectId!: string;
  @ApiProperty({ description: 'What happened to it.', example: 'update', enum: AUDIT_ACTIONS }) action!: string;
  @ApiProperty({ description: 'Who did it; null for the system (e.g. the recycle bin\u2019s retention purge).', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid', nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ description: 'When.', example: '2025-03-28T10:00:00.000Z', format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'The request\u2019s `x-request-id` (for handovers: the request that started the job).', example: '5b0f7c1e-8a8e-4a53-9d43-3c1f4f4f2a10', nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ description: 'The client address as the gateway saw it.', example: '203.0.113.7', nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ type: [AuditChangeDto], description: 'The fields that changed, with their values before and after.' }) changes!: AuditChangeDto[];
}

export class AuditLogPageDto {
  @ApiProperty({ type: [AuditLogDto], description: 'This page of entries, newest first unless sorted otherwise.' }) items!: AuditLogDto[];
  @ApiProperty({ description: 'Matching entries in all pages.', example: 42 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}
