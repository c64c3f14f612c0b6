import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDateString, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';

const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;
const USER_ID = '0190a6e2-7b3c-7d4e-8f00-000000000003';
const DEPARTMENT_ID = '0190a6e2-7b3c-7d4e-8f00-000000000002';

/** The optional text fields of a customer, the same in create and update (null clears one). */
class CustomerOptionalFieldsDto {
  @ApiPropertyOptional({ description: 'Short name.', example: 'Lianhe', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(100)
  shortName?: string | null;

  @ApiPropertyOptional({ description: 'Customer type: an enabled code of the `customer-type` dictionary (GET /api/v1/dictionaries/customer-type).', example: 'enterprise', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(50)
  type?: string | null;

  @ApiPropertyOptional({ description: 'Where the customer came from: an enabled code of the `customer-source` dictionary.', example: 'exhibition', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(50)
  source?: string | null;

  @ApiPropertyOptional({ description: 'Industry: an enabled code of the `customer-industry` dictionary.', example: 'manufacturing', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(50)
  industry?: string | null;

  @ApiPropertyOptional({ description: 'Customer level: an enabled code of the `customer-level` dictionary.', example: 'A', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(50)
  level?: string | null;

  @ApiPropertyOptional({ description: 'Region.', example: 'Zhejiang/Hangzhou', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(100)
  region?: string | null;

  @ApiPropertyOptional({ description: 'Postal address.', example: '88 Wensan Road, Xihu District', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(300)
  address?: string | null;

  @ApiPropertyOptional({ description: 'Phone number.', example: '+86 571 8888 0000', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional({ description: 'E-mail address.', example: 'info@lianhe.example.com', nullable: true, type: String })
  @IsOptional() @IsEmail() @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ description: 'Web site.', example: 'https://lianhe.example.com', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(300)
  website?: string | null;

  @ApiPropertyOptional({ description: 'Unified social credit code (统一社会信用代码).', example: '91330100MA2B000000', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(18)
  unifiedSocialCreditCode?: string | null;

  @ApiPropertyOptional({ description: 'Free-form tags; replaces the list.', example: ['key-account'], type: [String] })
  @ValidateIf(present('tags')) @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Remarks.', example: 'Met at the Canton Fair.', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(2000)
  remarks?: string | null;
}

/** No id, code, owner, tenant or audit fields: the server sets them (unknown fields are refused). */
export class CreateCustomerDto extends CustomerOptionalFieldsDto {
  @ApiProperty({ description: 'Customer name.', example: 'Hangzhou Lianhe Machinery Co., Ltd.' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;
}

export class UpdateCustomerDto extends CustomerOptionalFieldsDto {
  @ApiPropertyOptional({ description: 'Customer name.', example: 'Hangzhou Lianhe Machinery Co., Ltd.' })
  @ValidateIf(present('name')) @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;
}

export class AssignCustomerOwnerDto {
  @ApiProperty({ description: 'The new owner: a user of the organisation.', example: USER_ID, format: 'uuid' })
  @IsUUID('all')
  ownerId!: string;
}

export class ShareCustomerDto {
  @ApiPropertyOptional({ description: 'Share with this user (give exactly one of userId and departmentId).', example: USER_ID, format: 'uuid' })
  @ValidateIf(present('userId')) @IsUUID('all')
  userId?: string;

  @ApiPropertyOptional({ description: 'Share with every member of this department (not its sub-departments).', example: DEPARTMENT_ID, format: 'uuid' })
  @ValidateIf(present('departmentId')) @IsUUID('all')
  departmentId?: string;

  @ApiProperty({ description: '`read`: list and view; `edit`: also change, delete and share.', example: 'read', enum: ['read', 'edit'] })
  @IsIn(['read', 'edit'])
  access!: 'read' | 'edit';

  @ApiPropertyOptional({ description: 'The share stops granting access at this time; never when absent.', example: '2025-12-31T00:00:00.000Z', format: 'date-time' })
  @ValidateIf(present('expiresAt')) @IsDateString({ strict: true })
  expiresAt?: string;
}

export class RecordShareDto {
  @ApiProperty({ description: 'Share id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000300', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Kind of record.', example: 'customer' }) object!: string;
  @ApiProperty({ description: 'The shared record.', example: '0190a6e2-7b3c-7d4e-8f00-000000000100', format: 'uuid' }) recordId!: string;
  @ApiProperty({ description: 'The user it is shared with.', example: USER_ID, format: 'uuid', nullable: true, type: String }) userId!: string | null;
  @ApiProperty({ description: 'The department it is shared with.', example: null, format: 'uuid', nullable: true, type: String }) departmentId!: string | null;
  @ApiProperty({ description: 'What the share allows.', example: 'read', enum: ['read', 'edit'] }) access!: 'read' | 'edit';
  @ApiProperty({ description: 'When the share ends.', example: null, format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ description: 'Who shared it.', example: USER_ID, format: 'uuid' }) createdBy!: string;
  @ApiProperty({ description: 'When it was shared.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) createdAt!: string;
}

export class CustomerDto {
  @ApiProperty({ description: 'Customer id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000100', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Organisation.', example: '0190a6e2-7b3c-7d4e-8f00-000000000001', format: 'uuid' }) tenantId!: string;
  @ApiProperty({ description: 'Customer number, `KH-YYYYMMDD-NNNN` (daily serial, UTC).', example: 'KH-20250328-0001' }) code!: string;
  @ApiProperty({ description: 'Customer name.', example: 'Hangzhou Lianhe Machinery Co., Ltd.' }) name!: string;
  @ApiProperty({ description: 'Short name.', example: 'Lianhe', nullable: true, type: String }) shortName!: string | null;
  @ApiProperty({ description: 'Customer type.', example: 'enterprise', nullable: true, type: String }) type!: string | null;
  @ApiProperty({ description: 'Source.', example: 'exhibition', nullable: true, type: String }) source!: string | null;
  @ApiProperty({ description: 'Industry.', example: 'manufacturing', nullable: true, type: String }) industry!: string | null;
  @ApiProperty({ description: 'Level.', example: 'A', nullable: true, type: String }) level!: string | null;
  @ApiProperty({ description: 'Region.', example: 'Zhejiang/Hangzhou', nullable: true, type: String }) region!: string | null;
  @ApiProperty({ description: 'Address.', example: '88 Wensan Road, Xihu District', nullable: true, type: String }) address!: string | null;
  @ApiProperty({ description: 'Phone.', example: '+86 571 8888 0000', nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ description: 'E-mail.', example: 'info@lianhe.example.com', nullable: true, type: String }) email!: string | null;
  @ApiProperty({ description: 'Web site.', example: 'https://lianhe.example.com', nullable: true, type: String }) website!: string | null;
  @ApiProperty({ description: 'Unified social credit code.', example: '91330100MA2B000000', nullable: true, type: String }) unifiedSocialCreditCode!: string | null;
  @ApiProperty({ description: 'Owner (a user); null while the customer sits in a public pool (公海池).', example: USER_ID, format: 'uuid', nullable: true, type: String }) ownerId!: string | null;
  @ApiProperty({ description: 'The public pool holding the customer while it has no owner; null when someone owns it.', example: null, format: 'uuid', nullable: true, type: String }) poolId!: string | null;
  @ApiProperty({ description: 'Tags.', example: ['key-account'], type: [String] }) tags!: string[];
  @ApiProperty({ description: 'Remarks.', example: null, nullable: true, type: String }) remarks!: string | null;
  @ApiProperty({ description: 'Who created it.', example: USER_ID, format: 'uuid' }) createdBy!: string;
  @ApiProperty({ description: 'Who changed it last.', example: USER_ID, format: 'uuid' }) updatedBy!: string;
  @ApiProperty({ description: 'When it was created.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'When it last changed.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'When it went to the recycle bin; null while live.', example: null, format: 'date-time', nullable: true, type: String }) deletedAt!: string | null;
}

export class CustomerPageDto {
  @ApiProperty({ type: [CustomerDto], description: 'This page of customers.' }) items!: CustomerDto[];
  @ApiProperty({ description: 'Matching customers in all pages.', example: 42 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}
