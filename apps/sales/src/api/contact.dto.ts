import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';

const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;

class ContactOptionalFieldsDto {
  @ApiPropertyOptional({ description: 'Job title.', example: 'Purchasing manager', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(100)
  title?: string | null;

  @ApiPropertyOptional({ description: 'Phone numbers; replaces the list.', example: ['+86 139 0000 0000'], type: [String] })
  @ValidateIf(present('phones')) @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @MaxLength(40, { each: true })
  phones?: string[];

  @ApiPropertyOptional({ description: 'E-mail address.', example: 'wang.wei@lianhe.example.com', nullable: true, type: String })
  @IsOptional() @IsEmail() @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ description: 'Role in the purchase decision: an enabled code of the `contact-decision-role` dictionary.', example: 'decision-maker', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(50)
  decisionRole?: string | null;
}

/** The owner is the customer's owner; the server sets it. */
export class CreateContactDto extends ContactOptionalFieldsDto {
  @ApiProperty({ description: 'The customer (one you may edit).', example: '0190a6e2-7b3c-7d4e-8f00-000000000100', format: 'uuid' })
  @IsUUID('all')
  customerId!: string;

  @ApiProperty({ description: 'Full name.', example: 'Wang Wei' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;
}

export class UpdateContactDto extends ContactOptionalFieldsDto {
  @ApiPropertyOptional({ description: 'Full name.', example: 'Wang Wei' })
  @ValidateIf(present('name')) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;
}

export class ContactDto {
  @ApiProperty({ description: 'Contact id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000200', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Organisation.', example: '0190a6e2-7b3c-7d4e-8f00-000000000001', format: 'uuid' }) tenantId!: string;
  @ApiProperty({ description: 'Customer.', example: '0190a6e2-7b3c-7d4e-8f00-000000000100', format: 'uuid' }) customerId!: string;
  @ApiProperty({ description: 'Owner: the customer\u2019s owner (null while the customer sits in a public pool).', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid', nullable: true, type: String }) ownerId!: string | null;
  @ApiProperty({ description: 'Full name.', example: 'Wang Wei' }) name!: string;
  @ApiProperty({ description: 'Job title.', example: 'Purchasing manager', nullable: true, type: String }) title!: string | null;
  @ApiProperty({ description: 'Phone numbers.', example: ['+86 139 0000 0000'], type: [String] }) phones!: string[];
  @ApiProperty({ description: 'E-mail.', example: 'wang.wei@lianhe.example.com', nullable: true, type: String }) email!: string | null;
  @ApiProperty({ description: 'Decision role.', example: 'decision-maker', nullable: true, type: String }) decisionRole!: string | null;
  @ApiProperty({ description: 'When it was created.', example: '2025-03-28T08:05:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'When it last changed.', example: '2025-03-28T08:05:00.000Z', format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'Always null for a live contact.', example: null, format: 'date-time', nullable: true, type: String }) deletedAt!: string | null;
}

export class ContactPageDto {
  @ApiProperty({ type: [ContactDto], description: 'This page of contacts.' }) items!: ContactDto[];
  @ApiProperty({ description: 'Matching contacts in all pages.', example: 3 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}
