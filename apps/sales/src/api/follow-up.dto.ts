import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsNotEmpty, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { FOLLOW_UP_TYPES, FollowUpType } from '../infrastructure/follow-up.entity';

const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;

/** The author (and owner) is the caller. */
export class CreateFollowUpDto {
  @ApiProperty({ description: 'The customer (one you may edit).', example: '0190a6e2-7b3c-7d4e-8f00-000000000100', format: 'uuid' })
  @IsUUID('all')
  customerId!: string;

  @ApiPropertyOptional({ description: 'A contact of that customer.', example: '0190a6e2-7b3c-7d4e-8f00-000000000200', format: 'uuid' })
  @ValidateIf(present('contactId')) @IsUUID('all')
  contactId?: string;

  @ApiProperty({ description: 'How the customer was reached.', example: 'call', enum: FOLLOW_UP_TYPES })
  @IsIn(FOLLOW_UP_TYPES)
  type!: FollowUpType;

  @ApiProperty({ description: 'What was discussed.', example: 'Asked for a quotation on 20 CNC machines.' })
  @IsString() @IsNotEmpty() @MaxLength(5000)
  content!: string;

  @ApiPropertyOptional({ description: 'When it happened; now when absent.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' })
  @ValidateIf(present('time')) @IsDateString({ strict: true })
  time?: string;

  @ApiPropertyOptional({ description: 'When to follow up next.', example: '2025-04-04T08:00:00.000Z', format: 'date-time' })
  @ValidateIf(present('nextFollowUpAt')) @IsDateString({ strict: true })
  nextFollowUpAt?: string;
}

/** Absent fields stay as they are; `null` clears `contactId` or `nextFollowUpAt`. */
export class UpdateFollowUpDto {
  @ApiPropertyOptional({ description: 'A contact of the same customer; null for none.', example: '0190a6e2-7b3c-7d4e-8f00-000000000200', format: 'uuid', nullable: true, type: String })
  @ValidateIf((o) => o.contactId !== undefined && o.contactId !== null) @IsUUID('all')
  contactId?: string | null;

  @ApiPropertyOptional({ description: 'How the customer was reached.', example: 'visit', enum: FOLLOW_UP_TYPES })
  @ValidateIf(present('type')) @IsIn(FOLLOW_UP_TYPES)
  type?: FollowUpType;

  @ApiPropertyOptional({ description: 'What was discussed.', example: 'Sent the quotation; decision expected next week.' })
  @ValidateIf(present('content')) @IsString() @IsNotEmpty() @MaxLength(5000)
  content?: string;

  @ApiPropertyOptional({ description: 'When it happened.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' })
  @ValidateIf(present('time')) @IsDateString({ strict: true })
  time?: string;

  @ApiPropertyOptional({ description: 'When to follow up next; null for no plan.', example: '2025-04-04T08:00:00.000Z', format: 'date-time', nullable: true, type: String })
  @ValidateIf((o) => o.nextFollowUpAt !== undefined && o.nextFollowUpAt !== null) @IsDateString({ strict: true })
  nextFollowUpAt?: string | null;
}

export class FollowUpDto {
  @ApiProperty({ description: 'Follow-up id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000400', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Business organisation.', example: '0190a6e2-7b3c-7d4e-8f00-000000000001', format: 'uuid' }) tenantId!: string;
  @ApiProperty({ description: 'Customer.', example: '0190a6e2-7b3c-7d4e-8f00-000000000100', format: 'uuid' }) customerId!: string;
  @ApiProperty({ description: 'Contact.', example: null, format: 'uuid', nullable: true, type: String }) contactId!: string | null;
  @ApiProperty({ description: 'Author and owner.', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid' }) ownerId!: string;
  @ApiProperty({ description: 'How the customer was reached.', example: 'call', enum: FOLLOW_UP_TYPES }) type!: FollowUpType;
  @ApiProperty({ description: 'What was discussed.', example: 'Asked for a quotation on 20 CNC machines.' }) content!: string;
  @ApiProperty({ description: 'When it happened.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) time!: string;
  @ApiProperty({ description: 'When to follow up next.', example: null, format: 'date-time', nullable: true, type: String }) nextFollowUpAt!: string | null;
  @ApiProperty({ description: 'When it was recorded.', example: '2025-03-28T08:10:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'When it last changed.', example: '2025-03-28T08:10:00.000Z', format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'When it was deleted; null while live.', example: null, format: 'date-time', nullable: true, type: String }) deletedAt!: string | null;
}

export class FollowUpPageDto {
  @ApiProperty({ type: [FollowUpDto], description: 'This page of follow-ups.' }) items!: FollowUpDto[];
  @ApiProperty({ description: 'Matching follow-ups in all pages.', example: 5 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}
