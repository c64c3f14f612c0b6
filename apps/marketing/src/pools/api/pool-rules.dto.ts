import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, ValidateIf } from 'class-validator';
import { RECYCLE_RULES } from '../domain/recycle-rules';

const CUSTOMER_ID = '0190a6e2-7b3c-7d4e-8f00-000000000100';
const USER_ID = '0190a6e2-7b3c-7d4e-8f00-000000000003';
const POOL_ID = '0190a6e2-7b3c-7d4e-8f00-000000000500';
const RETURN_RULES = RECYCLE_RULES.filter((r) => r.kind === 'return').map((r) => r.rule);
const REMIND_RULES = RECYCLE_RULES.filter((r) => r.kind === 'reminder').map((r) => r.rule);

export class RecyclePreviewRequestDto {
  @ApiPropertyOptional({ description: 'The instant to evaluate the rules at; now when absent.', example: '2025-04-04T01:00:00.000Z', format: 'date-time' })
  @ValidateIf((o) => o.asOf !== undefined) @IsDateString({ strict: true })
  asOf?: string;
}

class DueEntryDto {
  @ApiProperty({ format: 'uuid', example: CUSTOMER_ID }) customerId!: string;
  @ApiProperty({ example: 'KH-20250328-0001' }) code!: string;
  @ApiProperty({ example: '上海某某有限公司' }) name!: string;
  @ApiProperty({ format: 'uuid', example: USER_ID, description: 'Its owner now.' }) ownerId!: string;
  @ApiProperty({ description: 'The pool rule behind it.', enum: [...RETURN_RULES, ...REMIND_RULES], example: 'returnNoFollowUpDays' }) rule!: string;
  @ApiProperty({ description: 'The rule\u2019s number of days (each 24 hours).', example: 15 }) days!: number;
  @ApiProperty({ description: 'Since when there has been no follow-up (or no deal): the later of that event and the day the owner got the customer.', format: 'date-time' }) clockStartedAt!: string;
  @ApiProperty({ description: '`clockStartedAt` + days × 24 h: the rule applies from this instant.', format: 'date-time' }) dueAt!: string;
}

export class RecyclePreviewDto {
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ format: 'uuid', example: POOL_ID }) poolId!: string;
  @ApiProperty({ description: 'Reminders the pool\u2019s administrators would get (each once per customer, rule and clock start).', type: [DueEntryDto] }) reminders!: DueEntryDto[];
  @ApiProperty({ description: 'Customers that would go back to the pool (one rule each: the first due).', type: [DueEntryDto] }) returns!: DueEntryDto[];
}

class NextRuleDto {
  @ApiProperty({ enum: [...RETURN_RULES, ...REMIND_RULES], example: 'returnNoFollowUpDays' }) rule!: string;
  @ApiProperty({ example: 15 }) days!: number;
  @ApiProperty({ format: 'date-time' }) clockStartedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Past: due already, the next run of the rules engine applies it.' }) dueAt!: string;
}

class ClocksDto {
  @ApiProperty({ format: 'date-time', description: 'The later of the last follow-up and the day the owner got the customer.' }) noFollowUpSince!: string;
  @ApiProperty({ format: 'date-time', description: 'The later of the last won deal and the day the owner got the customer.' }) noDealSince!: string;
}

export class PoolStatusDto {
  @ApiProperty({ format: 'uuid', example: CUSTOMER_ID }) customerId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: USER_ID }) ownerId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The pool holding it, when no one owns it.' }) poolId!: string | null;
  @ApiProperty({
    format: 'uuid', nullable: true, type: String, example: POOL_ID,
    description: 'For an owned customer: the pool its owner got it from (else the organisation\u2019s default pool), whose rules apply and to which it would go back.',
  })
  governingPoolId!: string | null;
  @ApiProperty({ type: ClocksDto, nullable: true }) clocks!: ClocksDto | null;
  @ApiProperty({ type: NextRuleDto, nullable: true, description: 'When and why it would go back to the pool; null when no return rule applies.' }) nextReturn!: NextRuleDto | null;
  @ApiProperty({ type: NextRuleDto, nullable: true, description: 'The next reminder to the pool\u2019s administrators, if one comes before the return.' }) nextReminder!: NextRuleDto | null;
}
