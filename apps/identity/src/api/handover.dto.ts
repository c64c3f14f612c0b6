import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { BUSINESS_SERVICES } from '@crm/contracts';

export class StartHandoverDto {
  @ApiProperty({ description: 'The leaving user, whose records move.', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid' })
  @IsUUID('all')
  fromUserId!: string;

  @ApiProperty({ description: 'The receiver (an active user of the organisation).', example: '0190a6e2-7b3c-7d4e-8f00-000000000004', format: 'uuid' })
  @IsUUID('all')
  toUserId!: string;
}

const COUNTS_EXAMPLE = { customer: 120, contact: 300, 'follow-up': 980 };

export class HandoverPartDto {
  @ApiProperty({ description: 'The business service.', example: 'sales', enum: BUSINESS_SERVICES }) service!: string;
  @ApiProperty({ description: '`pending` until the service has transferred its records.', example: 'completed', enum: ['pending', 'completed'] }) status!: string;
  @ApiProperty({ description: 'Records transferred per business object; null while pending.', example: COUNTS_EXAMPLE, nullable: true, type: 'object', additionalProperties: { type: 'integer' } })
  counts!: Record<string, number> | null;
  @ApiProperty({ description: 'When the service finished.', example: '2025-03-28T10:00:01.000Z', format: 'date-time', nullable: true, type: String }) completedAt!: string | null;
}

export class HandoverDto {
  @ApiProperty({ description: 'Job id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000700', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The leaving user.', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid' }) fromUserId!: string;
  @ApiProperty({ description: 'The receiver.', example: '0190a6e2-7b3c-7d4e-8f00-000000000004', format: 'uuid' }) toUserId!: string;
  @ApiProperty({ description: '`running` until every service has done its part, then `completed`.', example: 'completed', enum: ['running', 'completed'] }) status!: string;
  @ApiProperty({ description: 'The administrator who started it.', example: '0190a6e2-7b3c-7d4e-8f00-000000000002', format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ description: 'When it started.', example: '2025-03-28T10:00:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'When the last service finished.', example: '2025-03-28T10:00:01.000Z', format: 'date-time', nullable: true, type: String }) completedAt!: string | null;
  @ApiProperty({ type: [HandoverPartDto], description: 'Progress per business service.' }) parts!: HandoverPartDto[];
  @ApiProperty({ description: 'Records transferred so far per business object, over all services.', example: COUNTS_EXAMPLE, type: 'object', additionalProperties: { type: 'integer' } })
  totals!: Record<string, number>;
}

export class HandoverPageDto {
  @ApiProperty({ type: [HandoverDto], description: 'This page of handovers, newest first.' }) items!: HandoverDto[];
  @ApiProperty({ description: 'Matching handovers in all pages.', example: 3 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}
