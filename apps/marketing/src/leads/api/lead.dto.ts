import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDateString, IsEmail, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { LEAD_STATUSES, LeadStatus } from '@crm/contracts';
import { SETTABLE_STATUSES, SettableStatus } from '../domain/lead-status';
import { CONVERSION_STATUSES, ConversionStatus } from '../infrastructure/lead-conversion.entity';
import { LEAD_FOLLOW_UP_TYPES, LeadFollowUpType } from '../infrastructure/lead-follow-up.entity';
import { DuplicateCandidateDto } from '../../duplicates/api/duplicate.dto';

const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;
const USER_ID = '0190a6e2-7b3c-7d4e-8f00-000000000003';
const LEAD_ID = '0190a6e2-7b3c-7d4e-8f00-000000000500';

/** The optional fields of a lead, the same in create and update (null clears one). */
class LeadOptionalFieldsDto {
  @ApiPropertyOptional({ description: 'Phone number.', example: '+86 574 8888 0000', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional({ description: 'E-mail address.', example: 'chen.jie@haitian.example.com', nullable: true, type: String })
  @IsOptional() @IsEmail() @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({
    description: 'Where the lead came from. Free text for now: sales owns the dictionaries, and on conversion a value that is not an enabled `customer-source` code is noted in the customer\u2019s remarks instead.',
    example: 'exhibition',
    nullable: true,
    type: String,
  })
  @IsOptional() @IsString() @MaxLength(50)
  source?: string | null;

  @ApiPropertyOptional({ description: 'Region.', example: 'Zhejiang/Ningbo', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(100)
  region?: string | null;

  @ApiPropertyOptional({ description: 'Industry. Free text for now (see `source`); on conversion, kept only when it is an enabled `customer-industry` code.', example: 'manufacturing', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(50)
  industry?: string | null;

  @ApiPropertyOptional({ description: 'Free-form tags; replaces the list.', example: ['trade-fair-2025'], type: [String] })
  @ValidateIf(present('tags')) @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Remarks.', example: 'Asked for a catalogue at the Canton Fair.', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(2000)
  remarks?: string | null;
}

/** No id, code, status, owner, pool, tenant or audit fields: the server sets them (unknown fields are refused). */
export class CreateLeadDto extends LeadOptionalFieldsDto {
  @ApiProperty({ description: 'Company name (the customer\u2019s name on conversion).', example: 'Ningbo Haitian Plastics Co., Ltd.' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  company!: string;

  @ApiProperty({ description: 'The person to reach (the contact\u2019s name on conversion).', example: 'Chen Jie' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;
}

export class UpdateLeadDto extends LeadOptionalFieldsDto {
  @ApiPropertyOptional({ description: 'Company name.', example: 'Ningbo Haitian Plastics Co., Ltd.' })
  @ValidateIf(present('company')) @IsString() @IsNotEmpty() @MaxLength(200)
  company?: string;

  @ApiPropertyOptional({ description: 'The person to reach.', example: 'Chen Jie' })
  @ValidateIf(present('name')) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;
}

export class ChangeLeadStatusDto {
  @ApiProperty({
    description: 'The new status: `following` (from new, or reopening an invalid lead) or `invalid` (from new or following). `converted` comes only from a conversion.',
    example: 'invalid',
    enum: SETTABLE_STATUSES,
  })
  @IsIn(SETTABLE_STATUSES)
  status!: SettableStatus;
}

export class CreateLeadFollowUpDto {
  @ApiProperty({ description: 'How the lead was reached.', example: 'call', enum: LEAD_FOLLOW_UP_TYPES })
  @IsIn(LEAD_FOLLOW_UP_TYPES)
  type!: LeadFollowUpType;

  @ApiProperty({ description: 'What was discussed.', example: 'Interested in 5 injection moulding machines; sent the catalogue.' })
  @IsString() @IsNotEmpty() @MaxLength(5000)
  content!: string;

  @ApiPropertyOptional({ description: 'When it happened; now when absent.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' })
  @ValidateIf(present('time')) @IsDateString({ strict: true })
  time?: string;
}

/** Overrides of what the lead gives the new customer (absent: the lead's value). */
export class ConvertLeadCustomerDto {
  @ApiPropertyOptional({ description: 'Customer name; the lead\u2019s company when absent.', example: 'Ningbo Haitian Plastics Co., Ltd.' })
  @ValidateIf(present('name')) @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'Phone.', example: '+86 574 8888 0000', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional({ description: 'E-mail.', example: 'info@haitian.example.com', nullable: true, type: String })
  @IsOptional() @IsEmail() @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ description: 'An enabled `customer-source` code (others are noted in the remarks).', example: 'exhibition', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(50)
  source?: string | null;

  @ApiPropertyOptional({ description: 'Region.', example: 'Zhejiang/Ningbo', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(100)
  region?: string | null;

  @ApiPropertyOptional({ description: 'An enabled `customer-industry` code (others are noted in the remarks).', example: 'manufacturing', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(50)
  industry?: string | null;

  @ApiPropertyOptional({ description: 'Tags.', example: ['trade-fair-2025'], type: [String] })
  @ValidateIf(present('tags')) @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Remarks.', example: 'Converted after the second visit.', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(1500)
  remarks?: string | null;
}

/** Overrides of what the lead gives the new contact (absent: the lead's value). */
export class ConvertLeadContactDto {
  @ApiPropertyOptional({ description: 'Contact name; the lead\u2019s name when absent.', example: 'Chen Jie' })
  @ValidateIf(present('name')) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: 'Job title.', example: 'Purchasing manager', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(100)
  title?: string | null;

  @ApiPropertyOptional({ description: 'Phone numbers; the lead\u2019s phone when absent.', example: ['+86 139 0000 0000'], type: [String] })
  @ValidateIf(present('phones')) @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @MaxLength(40, { each: true })
  phones?: string[];

  @ApiPropertyOptional({ description: 'E-mail; the lead\u2019s when absent.', example: 'chen.jie@haitian.example.com', nullable: true, type: String })
  @IsOptional() @IsEmail() @MaxLength(254)
  email?: string | null;
}

export class ConvertLeadDto {
  @ApiPropertyOptional({ description: 'Overrides for the customer.', type: ConvertLeadCustomerDto })
  @ValidateIf(present('customer')) @IsObject() @ValidateNested() @Type(() => ConvertLeadCustomerDto)
  customer?: ConvertLeadCustomerDto;

  @ApiPropertyOptional({ description: 'Overrides for the contact.', type: ConvertLeadContactDto })
  @ValidateIf(present('contact')) @IsObject() @ValidateNested() @Type(() => ConvertLeadContactDto)
  contact?: ConvertLeadContactDto;

  @ApiPropertyOptional({ description: 'Also ask for an opportunity placeholder. Recorded on the conversion; sales creates none until it has opportunities.', example: false })
  @ValidateIf(present('createOpportunity')) @IsBoolean()
  createOpportunity?: boolean;
}

export class LeadConversionFailureDto {
  @ApiProperty({ description: 'Stable problem code from sales.', example: 'REQUEST.INVALID' }) code!: string;
  @ApiProperty({ description: 'Why.', example: 'name: must not be empty' }) reason!: string;
}

export class LeadConversionDto {
  @ApiProperty({ description: 'Conversion id: the key sales creates the records under, once.', example: '0190a6e2-7b3c-7d4e-8f00-000000000510', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The lead.', example: LEAD_ID, format: 'uuid' }) leadId!: string;
  @ApiProperty({ description: '`pending` until sales answers; then `completed` or `failed`.', example: 'pending', enum: CONVERSION_STATUSES }) status!: ConversionStatus;
  @ApiProperty({ description: 'Who asked (owner of the new customer and contact).', example: USER_ID, format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ description: 'When.', example: '2025-03-28T09:00:00.000Z', format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ description: 'An opportunity placeholder was asked for.', example: false }) createOpportunity!: boolean;
  @ApiProperty({ description: 'The customer sales created (completed only).', example: null, format: 'uuid', nullable: true, type: String }) customerId!: string | null;
  @ApiProperty({ description: 'The contact sales created (completed only).', example: null, format: 'uuid', nullable: true, type: String }) contactId!: string | null;
  @ApiProperty({ description: 'Why it failed (failed only).', type: LeadConversionFailureDto, nullable: true }) failure!: LeadConversionFailureDto | null;
  @ApiProperty({ description: 'Lead values sales could not keep as they were (noted in the customer\u2019s remarks).', example: [], type: [String] }) notes!: string[];
  @ApiProperty({ description: 'When sales answered.', example: null, format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
}

export class LeadDto {
  @ApiProperty({ description: 'Lead id.', example: LEAD_ID, format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Organisation.', example: '0190a6e2-7b3c-7d4e-8f00-000000000001', format: 'uuid' }) tenantId!: string;
  @ApiProperty({ description: 'Lead number, `XS-YYYYMMDD-NNNN` (daily serial, UTC).', example: 'XS-20250328-0001' }) code!: string;
  @ApiProperty({ description: 'Company.', example: 'Ningbo Haitian Plastics Co., Ltd.' }) company!: string;
  @ApiProperty({ description: 'The person to reach.', example: 'Chen Jie' }) name!: string;
  @ApiProperty({ description: 'Phone.', example: '+86 574 8888 0000', nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ description: 'E-mail.', example: 'chen.jie@haitian.example.com', nullable: true, type: String }) email!: string | null;
  @ApiProperty({ description: 'Source (free text).', example: 'exhibition', nullable: true, type: String }) source!: string | null;
  @ApiProperty({ description: 'Region.', example: 'Zhejiang/Ningbo', nullable: true, type: String }) region!: string | null;
  @ApiProperty({ description: 'Industry (free text).', example: 'manufacturing', nullable: true, type: String }) industry!: string | null;
  @ApiProperty({ description: 'Tags.', example: ['trade-fair-2025'], type: [String] }) tags!: string[];
  @ApiProperty({ description: 'Status.', example: 'new', enum: LEAD_STATUSES }) status!: LeadStatus;
  @ApiProperty({ description: 'Owner (a user); null while the lead sits in a pool.', example: USER_ID, format: 'uuid', nullable: true, type: String }) ownerId!: string | null;
  @ApiProperty({ description: 'The lead pool holding it; null while someone owns it.', example: null, format: 'uuid', nullable: true, type: String }) poolId!: string | null;
  @ApiProperty({ description: 'Remarks.', example: null, nullable: true, type: String }) remarks!: string | null;
  @ApiProperty({ description: 'The customer it became (converted only).', example: null, format: 'uuid', nullable: true, type: String }) customerId!: string | null;
  @ApiProperty({ description: 'The contact it became (converted only).', example: null, format: 'uuid', nullable: true, type: String }) contactId!: string | null;
  @ApiProperty({ description: 'When it was converted.', example: null, format: 'date-time', nullable: true, type: String }) convertedAt!: string | null;
  @ApiProperty({ description: 'Time of its latest follow-up.', example: null, format: 'date-time', nullable: true, type: String }) lastFollowUpAt!: string | null;
  @ApiProperty({ description: 'Who created it.', example: USER_ID, format: 'uuid' }) createdBy!: string;
  @ApiProperty({ description: 'Who changed it last.', example: USER_ID, format: 'uuid' }) updatedBy!: string;
  @ApiProperty({ description: 'When it was created.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'When it last changed.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'When it was deleted; null while live.', example: null, format: 'date-time', nullable: true, type: String }) deletedAt!: string | null;
  @ApiProperty({ description: 'Its latest conversion, if it was ever asked for.', type: LeadConversionDto, nullable: true }) conversion!: LeadConversionDto | null;
  @ApiPropertyOptional({
    description: 'Create and update answers only, and only when warning duplicate rules (查重) matched: the similar records, masked as `POST /api/v1/duplicates/check` masks them. The lead was written; the matches stay recorded: `GET /api/v1/leads/{id}/duplicate-warnings`.',
    type: [DuplicateCandidateDto],
  })
  duplicateWarnings?: DuplicateCandidateDto[];
}

export class LeadPageDto {
  @ApiProperty({ type: [LeadDto], description: 'This page of leads.' }) items!: LeadDto[];
  @ApiProperty({ description: 'Matching leads in all pages.', example: 42 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}

export class LeadFollowUpDto {
  @ApiProperty({ description: 'Follow-up id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000520', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Organisation.', example: '0190a6e2-7b3c-7d4e-8f00-000000000001', format: 'uuid' }) tenantId!: string;
  @ApiProperty({ description: 'The lead.', example: LEAD_ID, format: 'uuid' }) leadId!: string;
  @ApiProperty({ description: 'Author.', example: USER_ID, format: 'uuid' }) ownerId!: string;
  @ApiProperty({ description: 'How the lead was reached.', example: 'call', enum: LEAD_FOLLOW_UP_TYPES }) type!: LeadFollowUpType;
  @ApiProperty({ description: 'What was discussed.', example: 'Sent the catalogue.' }) content!: string;
  @ApiProperty({ description: 'When it happened.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) time!: string;
  @ApiProperty({ description: 'When it was recorded.', example: '2025-03-28T08:10:00.000Z', format: 'date-time' }) createdAt!: string;
}
