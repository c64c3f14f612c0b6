import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { BUSINESS_OBJECTS, BusinessObject, DATA_ACTIONS, DATA_SCOPES, DataAction, DataScope } from '@crm/contracts';
import { DATA_RULE_COUNT } from '../domain/data-rules';
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

export class DataRuleDto {
  @ApiProperty({ description: 'Business object the rule is for.', example: 'customer', enum: BUSINESS_OBJECTS })
  @IsIn(BUSINESS_OBJECTS)
  object!: BusinessObject;

  @ApiProperty({ description: '`query`: lists; `view`: reading one record; `edit`: changing or deleting one.', example: 'query', enum: DATA_ACTIONS })
  @IsIn(DATA_ACTIONS)
  action!: DataAction;

  @ApiProperty({
    description:
      'Whose records: `SELF` (own), `SELF_AND_SUBORDINATES` (own and of users whose chain of superiors leads to the caller), `DEPARTMENT` (the caller\u2019s department), `DEPARTMENT_AND_SUBDEPARTMENTS` (and the departments below it), `ALL` (the whole organisation).',
    example: 'DEPARTMENT',
    enum: DATA_SCOPES,
  })
  @IsIn(DATA_SCOPES)
  scope!: DataScope;
}

export class SetDataRulesDto {
  @ApiProperty({
    description: `Rules to set, each object and action at most once; combinations not given keep their scope. At most ${DATA_RULE_COUNT}.`,
    type: [DataRuleDto],
    example: [{ object: 'customer', action: 'query', scope: 'DEPARTMENT' }],
  })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(DATA_RULE_COUNT) @ValidateNested({ each: true }) @Type(() => DataRuleDto)
  items!: DataRuleDto[];
}

export class DataRulesDto {
  @ApiProperty({ description: `All ${DATA_RULE_COUNT} rules of the role: one per business object and action.`, type: [DataRuleDto] })
  items!: DataRuleDto[];
}
