import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';

export class CreateDepartmentDto {
  @ApiProperty({ description: 'Department name.', example: 'East China Sales' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ description: 'Parent department; omitted or null for a top-level department.', example: '0190a6e2-7b3c-7d4e-8f00-000000000002', format: 'uuid', nullable: true, type: String })
  @IsOptional() @IsUUID('all')
  parentId?: string | null;

  @ApiPropertyOptional({ description: 'The user who manages it.', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid', nullable: true, type: String })
  @IsOptional() @IsUUID('all')
  managerId?: string | null;
}

export class UpdateDepartmentDto {
  @ApiPropertyOptional({ description: 'New name.', example: 'East China Key Accounts' })
  @ValidateIf((o: UpdateDepartmentDto) => o.name !== undefined) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: 'Moves the department (with its whole subtree) under this one; null makes it top-level. Not itself or a descendant.', example: '0190a6e2-7b3c-7d4e-8f00-000000000002', format: 'uuid', nullable: true, type: String })
  @IsOptional() @IsUUID('all')
  parentId?: string | null;

  @ApiPropertyOptional({ description: 'New manager; null for none.', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid', nullable: true, type: String })
  @IsOptional() @IsUUID('all')
  managerId?: string | null;
}

export class DepartmentDto {
  @ApiProperty({ description: 'Department id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000004', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Name.', example: 'East China Sales' }) name!: string;
  @ApiProperty({ description: 'Parent department; null at the top.', example: '0190a6e2-7b3c-7d4e-8f00-000000000002', format: 'uuid', nullable: true, type: String }) parentId!: string | null;
  @ApiProperty({ description: 'Manager (a user id).', example: null, format: 'uuid', nullable: true, type: String }) managerId!: string | null;
  @ApiProperty({ description: 'Ids from the top of the tree down to this one.', example: '/0190a6e2-7b3c-7d4e-8f00-000000000002/0190a6e2-7b3c-7d4e-8f00-000000000004/' }) path!: string;
  @ApiProperty({ description: 'When it was created.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'When it last changed (a move of an ancestor counts).', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) updatedAt!: string;
}

export class DepartmentPageDto {
  @ApiProperty({ type: [DepartmentDto], description: 'This page of departments.' }) items!: DepartmentDto[];
  @ApiProperty({ description: 'Matching departments in all pages.', example: 12 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}
