import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsObject, IsString, MaxLength, ValidateIf } from 'class-validator';
import { DUPLICATE_OBJECTS, DuplicateAction, DuplicateObject, FieldMatch } from '../domain';

const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;
const RULE_ID = '0190a6e2-7b3c-7d4e-8f00-000000000700';
const ACTIONS = ['block', 'warn'] as const;

export class FieldMatchDto {
  @ApiProperty({ description: 'A field of the rule\u2019s object: lead company, name, phone, mobile, email; customer name, phone, email, unifiedSocialCreditCode; contact name, phones, email, customerId; opportunity name, customerId.', example: 'company' })
  field!: string;
  @ApiProperty({ description: '`exact`: equal normalised keys; `fuzzy`: similarity of the normalised names at least `threshold` (names only).', enum: ['exact', 'fuzzy'], example: 'fuzzy' })
  mode!: 'exact' | 'fuzzy';
  @ApiPropertyOptional({ description: 'Fuzzy only: the lowest similarity (0..1] that matches; 0.8 when absent.', example: 0.8 })
  threshold?: number;
}

const COMBINATIONS = {
  description:
    'Field combinations; any combination matching makes a duplicate, and within one every field must match. Checked by the rules\u2019 validator (400 `DUPLICATE.INVALID_RULE` names each problem by its path, e.g. `combinations[0][1].threshold`).',
  type: 'array',
  items: { type: 'array', items: { $ref: '#/components/schemas/FieldMatchDto' } },
  example: [[{ field: 'company', mode: 'fuzzy', threshold: 0.85 }], [{ field: 'phone', mode: 'exact' }]],
} as const;

export class CreateDuplicateRuleDto {
  @ApiProperty({ description: 'The object whose writes the rule checks.', enum: DUPLICATE_OBJECTS, example: 'lead' })
  @IsIn(DUPLICATE_OBJECTS)
  object!: DuplicateObject;

  @ApiProperty({ description: 'Name shown with its matches.', example: 'Lead: similar company or same phone' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiProperty(COMBINATIONS)
  @IsArray() @ArrayMaxSize(20)
  combinations!: FieldMatch[][];

  @ApiProperty({ description: 'The objects searched: leads, customers and contacts check each other (交叉查重); opportunities only opportunities.', example: ['lead', 'customer'], type: [String], enum: DUPLICATE_OBJECTS })
  @IsArray() @ArrayMaxSize(4)
  targets!: DuplicateObject[];

  @ApiProperty({ description: '`block`: the write is refused with 409 `DUPLICATE.BLOCKED` and the candidates; `warn`: written and flagged.', enum: ACTIONS, example: 'warn' })
  @IsIn(ACTIONS)
  action!: DuplicateAction;

  @ApiPropertyOptional({ description: 'Disabled rules match nothing; true when absent.', example: true })
  @ValidateIf(present('enabled')) @IsBoolean()
  enabled?: boolean;
}

/** Absent fields stay as they are; the object never changes. */
export class UpdateDuplicateRuleDto {
  @ApiPropertyOptional({ description: 'Name.', example: 'Lead: similar company or same phone' })
  @ValidateIf(present('name')) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional(COMBINATIONS)
  @ValidateIf(present('combinations')) @IsArray() @ArrayMaxSize(20)
  combinations?: FieldMatch[][];

  @ApiPropertyOptional({ description: 'The objects searched.', example: ['lead', 'customer'], type: [String], enum: DUPLICATE_OBJECTS })
  @ValidateIf(present('targets')) @IsArray() @ArrayMaxSize(4)
  targets?: DuplicateObject[];

  @ApiPropertyOptional({ description: 'block or warn.', enum: ACTIONS, example: 'block' })
  @ValidateIf(present('action')) @IsIn(ACTIONS)
  action?: DuplicateAction;

  @ApiPropertyOptional({ description: 'Enable or disable the rule.', example: false })
  @ValidateIf(present('enabled')) @IsBoolean()
  enabled?: boolean;
}

export class DuplicateRuleDto {
  @ApiProperty({ description: 'Rule id.', example: RULE_ID, format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The object whose writes it checks.', enum: DUPLICATE_OBJECTS, example: 'lead' }) object!: DuplicateObject;
  @ApiProperty({ description: 'Name.', example: 'Similar company, same phone or same email' }) name!: string;
  @ApiProperty(COMBINATIONS) combinations!: FieldMatch[][];
  @ApiProperty({ description: 'The objects searched.', example: ['lead', 'customer', 'contact'], type: [String], enum: DUPLICATE_OBJECTS }) targets!: DuplicateObject[];
  @ApiProperty({ description: 'What a match does.', enum: ACTIONS, example: 'warn' }) action!: DuplicateAction;
  @ApiProperty({ description: 'Whether it applies.', example: true }) enabled!: boolean;
  @ApiProperty({ description: 'When it was created.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'When it last changed.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) updatedAt!: string;
}

export class DuplicateRuleListDto {
  @ApiProperty({ type: [DuplicateRuleDto], description: 'The organisation\u2019s rules (its defaults are given on first use).' }) items!: DuplicateRuleDto[];
}

export class CheckDuplicatesDto {
  @ApiProperty({ description: 'The object the record would be (its rules apply).', enum: DUPLICATE_OBJECTS, example: 'lead' })
  @IsIn(DUPLICATE_OBJECTS)
  object!: DuplicateObject;

  @ApiProperty({
    description: 'The record\u2019s fields as the object names them (other fields are ignored); strings, or arrays of strings (a contact\u2019s phones).',
    type: 'object',
    additionalProperties: true,
    example: { company: '联合机械(杭州)有限公司', name: '王伟', phone: '+86 138-0013-8000', email: 'wang.wei@lianhe.example.com' },
  })
  @IsObject()
  record!: Record<string, unknown>;
}

export class RuleRefDto {
  @ApiProperty({ description: 'The rule that matched.', example: RULE_ID, format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Its name.', example: 'Similar company, same phone or same email' }) name!: string;
  @ApiProperty({ description: 'Its action.', enum: ACTIONS, example: 'warn' }) action!: DuplicateAction;
}

export class FieldScoreDto {
  @ApiProperty({ description: 'The rule\u2019s field, on the checked record.', example: 'company' }) field!: string;
  @ApiProperty({ description: 'The candidate\u2019s field it matched (a lead\u2019s company meets a customer\u2019s name).', example: 'name' }) candidateField!: string;
  @ApiProperty({ description: 'How it was compared.', enum: ['exact', 'fuzzy'], example: 'fuzzy' }) mode!: string;
  @ApiProperty({ description: 'Similarity, 1 for equal keys.', example: 1 }) score!: number;
}

export class DuplicateCandidateDto {
  @ApiProperty({ description: 'The candidate\u2019s object.', enum: ['lead', 'customer', 'contact'], example: 'customer' }) object!: string;
  @ApiProperty({ description: 'false when your view scope does not reach the record: then only `exists`, `ownerDepartment` and `rule` are given.', example: true }) visible!: boolean;
  @ApiPropertyOptional({ description: 'Masked candidates only: the record exists.', example: true }) exists?: boolean;
  @ApiPropertyOptional({ description: 'Masked candidates only: the department of its owner (null while it sits in a public pool).', example: 'Sales East', nullable: true, type: String }) ownerDepartment?: string | null;
  @ApiPropertyOptional({ description: 'Visible candidates: its id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000100', format: 'uuid' }) id?: string;
  @ApiPropertyOptional({ description: 'Visible candidates: its name (a lead\u2019s company, a customer\u2019s or contact\u2019s name).', example: '杭州联合机械股份有限公司' }) name?: string;
  @ApiPropertyOptional({ description: 'Visible candidates: its owner (null in a pool).', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid', nullable: true, type: String }) ownerId?: string | null;
  @ApiPropertyOptional({ description: 'Visible candidates: the match\u2019s score, that of its weakest field.', example: 1 }) score?: number;
  @ApiPropertyOptional({ description: 'Visible candidates: the fields that matched.', type: [FieldScoreDto] }) matchedFields?: FieldScoreDto[];
  @ApiProperty({ description: 'The rule it matched under (a blocking one when any).', type: RuleRefDto }) rule!: RuleRefDto;
}

export class DuplicateCheckDto {
  @ApiProperty({ description: '`block`: a blocking rule matched (a write would get 409 `DUPLICATE.BLOCKED`); `warn`: only warning rules; `clear`: no match.', enum: ['block', 'warn', 'clear'], example: 'warn' })
  outcome!: string;
  @ApiProperty({ type: [DuplicateCandidateDto], description: 'Candidates, best first (at most 20).' }) candidates!: DuplicateCandidateDto[];
}

export class LeadDuplicateWarningsDto {
  @ApiProperty({ description: 'When the lead was last written with warning matches; null when its last checked write matched nothing.', example: '2025-03-28T08:00:00.000Z', format: 'date-time', nullable: true, type: String })
  flaggedAt!: string | null;
  @ApiProperty({ type: [DuplicateCandidateDto], description: 'Those matches as they stand now (deleted records left out), masked outside your view scope.' })
  candidates!: DuplicateCandidateDto[];
}
