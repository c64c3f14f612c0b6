import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PASSWORD_MIN_LENGTH, USERNAME_PATTERN } from '../domain/identity-rules';

const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;

export class CreateUserDto {
  @ApiProperty({ description: 'Sign-in name, unique in the organisation (case-insensitive).', example: 'li.na', pattern: USERNAME_PATTERN.source })
  @IsString() @MaxLength(64) @Matches(USERNAME_PATTERN, { message: 'username must start with a letter or digit and use letters, digits, dots, dashes, underscores or @' })
  username!: string;

  @ApiProperty({ description: `Initial password, at least ${PASSWORD_MIN_LENGTH} characters. Stored only as an argon2id hash.`, example: 'S3cure-passw0rd', minLength: PASSWORD_MIN_LENGTH })
  @IsString() @MinLength(PASSWORD_MIN_LENGTH) @MaxLength(1024)
  password!: string;

  @ApiProperty({ description: 'Full name.', example: 'Li Na' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ description: 'Phone number.', example: '+86 138 0000 0000', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional({ description: 'E-mail address.', example: 'li.na@example.com', nullable: true, type: String })
  @IsOptional() @IsEmail() @MaxLength(254)
  email?: string | null;

  @ApiProperty({ description: 'The department the user belongs to.', example: '0190a6e2-7b3c-7d4e-8f00-000000000002', format: 'uuid' })
  @IsUUID('all')
  departmentId!: string;

  @ApiPropertyOptional({ description: 'Direct superior (a user id).', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid', nullable: true, type: String })
  @IsOptional() @IsUUID('all')
  superiorId?: string | null;

  @ApiProperty({ description: 'Role ids (see GET /api/v1/roles); may be empty.', example: ['0190a6e2-7b3c-7d4e-8f00-000000000010'], type: [String] })
  @IsArray() @ArrayMaxSize(50) @IsUUID('all', { each: true })
  roleIds!: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ description: 'Full name.', example: 'Li Na' })
  @ValidateIf(present('name')) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: 'Phone number; null clears it.', example: '+86 138 0000 0000', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional({ description: 'E-mail address; null clears it.', example: 'li.na@example.com', nullable: true, type: String })
  @IsOptional() @IsEmail() @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ description: 'Moves the user to this department.', example: '0190a6e2-7b3c-7d4e-8f00-000000000002', format: 'uuid' })
  @ValidateIf(present('departmentId')) @IsUUID('all')
  departmentId?: string;

  @ApiPropertyOptional({ description: 'Direct superior; null for none. Must not report (directly or not) to this user.', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid', nullable: true, type: String })
  @IsOptional() @IsUUID('all')
  superiorId?: string | null;

  @ApiPropertyOptional({ description: 'Replaces the user\u2019s roles.', example: ['0190a6e2-7b3c-7d4e-8f00-000000000010'], type: [String] })
  @ValidateIf(present('roleIds')) @IsArray() @ArrayMaxSize(50) @IsUUID('all', { each: true })
  roleIds?: string[];

  @ApiPropertyOptional({ description: 'Disabled users cannot sign in; their sessions end.', example: 'disabled', enum: ['active', 'disabled'] })
  @ValidateIf(present('status')) @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}

export class RoleRefDto {
  @ApiProperty({ description: 'Role id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000010', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Role code.', example: 'account-manager' }) code!: string;
  @ApiProperty({ description: 'Role name.', example: 'Account manager' }) name!: string;
}

export class UserDto {
  @ApiProperty({ description: 'User id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Sign-in name.', example: 'li.na' }) username!: string;
  @ApiProperty({ description: 'Full name.', example: 'Li Na' }) name!: string;
  @ApiProperty({ description: 'Phone number.', example: '+86 138 0000 0000', nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ description: 'E-mail address.', example: 'li.na@example.com', nullable: true, type: String }) email!: string | null;
  @ApiProperty({ description: 'Department.', example: '0190a6e2-7b3c-7d4e-8f00-000000000002', format: 'uuid' }) departmentId!: string;
  @ApiProperty({ description: 'Direct superior.', example: null, format: 'uuid', nullable: true, type: String }) superiorId!: string | null;
  @ApiProperty({ description: 'Whether the user may sign in.', example: 'active', enum: ['active', 'disabled'] }) status!: 'active' | 'disabled';
  @ApiProperty({ description: 'The user\u2019s roles.', type: [RoleRefDto] }) roles!: RoleRefDto[];
  @ApiProperty({ description: 'When it was created.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'When it last changed.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) updatedAt!: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto], description: 'This page of users.' }) items!: UserDto[];
  @ApiProperty({ description: 'Matching users in all pages.', example: 42 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}

export class TenantRefDto {
  @ApiProperty({ description: 'Organisation id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000001', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Organisation code (used to sign in).', example: 'demo' }) code!: string;
  @ApiProperty({ description: 'Organisation name.', example: 'Demo Trading Co.' }) name!: string;
}

/** The caller: a user without timestamps, with their organisation. */
export class MeDto extends OmitType(UserDto, ['createdAt', 'updatedAt'] as const) {
  @ApiProperty({ description: 'The caller\u2019s organisation.', type: TenantRefDto }) tenant!: TenantRefDto;
}
