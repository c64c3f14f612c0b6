import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { CODE_PATTERN } from '../domain/identity-rules';

export class CreateRoleDto {
  @ApiProperty({ description: 'Stable code: lowercase letters, digits and dashes; unique in the organisation.', example: 'regional-director', pattern: CODE_PATTERN.source })
  @IsString() @MaxLength(64) @Matches(CODE_PATTERN, { message: 'code must be lowercase letters, digits and dashes' })
  code!: string;

  @ApiProperty({ description: 'Display name.', example: 'Regional director' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;
}

export class RoleDto {
  @ApiProperty({ description: 'Role id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000010', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Stable code.', example: 'account-manager' }) code!: string;
  @ApiProperty({ description: 'Display name.', example: 'Account manager' }) name!: string;
  @ApiProperty({ description: 'Seeded with the organisation (admin, dept-manager, account-manager).', example: true }) system!: boolean;
  @ApiProperty({ description: 'When it was created.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) createdAt!: string;
}

export class RolePageDto {
  @ApiProperty({ type: [RoleDto], description: 'This page of roles.' }) items!: RoleDto[];
  @ApiProperty({ description: 'Matching roles in all pages.', example: 3 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}
