import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { OWNERSHIP_ACTIONS } from '@crm/contracts';
import { ALLOCATIONS, Allocation, REVIEW_TYPES, ReviewType } from '../domain';

const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;
const USER_ID = '0190a6e2-7b3c-7d4e-8f00-000000000003';
const POOL_ID = '0190a6e2-7b3c-7d4e-8f00-000000000500';
const CUSTOMER_ID = '0190a6e2-7b3c-7d4e-8f00-000000000100';
const MAX_BATCH = 200;

const rule = (description: string, example?: number) =>
  function (target: object, key: string) {
    ApiPropertyOptional({ description: `${description} Absent or null: no such rule.`, example, minimum: 1, maximum: 100_000, type: Number, nullable: true })(target, key);
    ValidateIf((o) => o[key] !== undefined && o[key] !== null)(target, key);
    IsInt()(target, key);
    Min(1)(target, key);
    Max(100_000)(target, key);
  };

/** Each rule is optional with its own number (domain brief, "Rules the seeds state"). */
export class PoolRulesDto {
  @rule('At most this many customers held per employee (all the customers they own).', 50) maxHeld?: number;
  @rule('At most this many claims from this pool per employee per calendar day (UTC).', 10) maxClaimsPerDay?: number;
  @rule('The same employee may claim the same customer at most this many times...', 2) maxClaimsSameCustomer?: number;
  @rule('...counted over this many days (the restriction lifts after them); forever when absent.', 30) reclaimLimitLiftsAfterDays?: number;
  @rule('Remind the pool administrators after this many days without a follow-up (rules engine: not yet running).') remindNoFollowUpDays?: number;
  @rule('Remind the pool administrators after this many days without a deal (rules engine: not yet running).') remindNoDealDays?: number;
  @rule('Back to the pool after this many days without a follow-up (rules engine: not yet running).') returnNoFollowUpDays?: number;
  @rule('Back to the pool after this many days without a deal (rules engine: not yet running).') returnNoDealDays?: number;
}

class PoolOptionalFieldsDto {
  @ApiPropertyOptional({ description: 'Description.', example: 'Customers of East China nobody follows.', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ description: 'Tags.', example: ['east'], type: [String] })
  @ValidateIf(present('tags')) @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(50, { each: true })
  tags?: string[];
}

export class CreatePoolDto extends PoolOptionalFieldsDto {
  @ApiProperty({ description: 'Pool name.', example: 'East China pool' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  @ApiProperty({ description: 'The organisation\u2019s default pool (exactly one per organisation): setting it unsets the previous default.', example: false })
  @IsBoolean()
  isDefault!: boolean;

  @ApiProperty({ description: 'Pool administrators: users of the organisation. They assign and transfer its customers.', example: [], type: [String], format: 'uuid' })
  @IsArray() @ArrayMaxSize(500) @IsUUID('all', { each: true })
  adminIds!: string[];

  @ApiProperty({ description: 'Pool members: users of the organisation. They see the pool (and claim, with `claim-and-assign`).', example: [], type: [String], format: 'uuid' })
  @IsArray() @ArrayMaxSize(5000) @IsUUID('all', { each: true })
  memberIds!: string[];

  @ApiProperty({ description: 'Review of customers entering the pool: none, a review button, or an approval flow.', enum: REVIEW_TYPES, example: 'none' })
  @IsIn(REVIEW_TYPES)
  reviewType!: ReviewType;

  @ApiProperty({ description: '`assign-only`: members see, administrators assign. `claim-and-assign`: members also claim.', enum: ALLOCATIONS, example: 'claim-and-assign' })
  @IsIn(ALLOCATIONS)
  allocation!: Allocation;

  @ApiProperty({ description: 'The pool\u2019s rules, each optional.', type: PoolRulesDto, example: { maxHeld: 50, maxClaimsPerDay: 10 } })
  @IsObject() @ValidateNested() @Type(() => PoolRulesDto)
  rules!: PoolRulesDto;
}

export class UpdatePoolDto extends PoolOptionalFieldsDto {
  @ApiPropertyOptional({ description: 'Pool name.', example: 'East China pool' })
  @ValidateIf(present('name')) @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'Make it the default pool (unsets the previous default), or stop it being the default.', example: true })
  @ValidateIf(present('isDefault')) @IsBoolean()
  isDefault?: boolean;

  @ApiPropertyOptional({ description: 'Replaces the pool administrators.', example: [], type: [String], format: 'uuid' })
  @ValidateIf(present('adminIds')) @IsArray() @ArrayMaxSize(500) @IsUUID('all', { each: true })
  adminIds?: string[];

  @ApiPropertyOptional({ description: 'Replaces the pool members.', example: [], type: [String], format: 'uuid' })
  @ValidateIf(present('memberIds')) @IsArray() @ArrayMaxSize(5000) @IsUUID('all', { each: true })
  memberIds?: string[];

  @ApiPropertyOptional({ description: 'Review type.', enum: REVIEW_TYPES, example: 'review' })
  @ValidateIf(present('reviewType')) @IsIn(REVIEW_TYPES)
  reviewType?: ReviewType;

  @ApiPropertyOptional({ description: 'Allocation mode.', enum: ALLOCATIONS, example: 'assign-only' })
  @ValidateIf(present('allocation')) @IsIn(ALLOCATIONS)
  allocation?: Allocation;

  @ApiPropertyOptional({ description: 'Replaces every rule (an absent rule no longer applies).', type: PoolRulesDto, example: { maxHeld: 40 } })
  @ValidateIf(present('rules')) @IsObject() @ValidateNested() @Type(() => PoolRulesDto)
  rules?: PoolRulesDto;
}

export class PoolDto {
  @ApiProperty({ description: 'Pool id.', example: POOL_ID, format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Organisation.', example: '0190a6e2-7b3c-7d4e-8f00-000000000001', format: 'uuid' }) tenantId!: string;
  @ApiProperty({ description: '`customer` (公海池) or `lead` (线索池).', enum: ['customer', 'lead'], example: 'customer' }) kind!: string;
  @ApiProperty({ description: 'Number: `KHMX-YYYYMMDD-NN` (customer pools), `XSMX-YYYYMMDD-NN` (lead pools).', example: 'KHMX-20250328-13' }) code!: string;
  @ApiProperty({ description: 'Name.', example: 'East China pool' }) name!: string;
  @ApiProperty({ description: 'Description.', example: null, nullable: true, type: String }) description!: string | null;
  @ApiProperty({ description: 'The organisation\u2019s default pool.', example: true }) isDefault!: boolean;
  @ApiProperty({ description: 'Pool administrators.', example: [USER_ID], type: [String] }) adminIds!: string[];
  @ApiProperty({ description: 'Pool members.', example: [USER_ID], type: [String] }) memberIds!: string[];
  @ApiProperty({ description: 'Tags.', example: [], type: [String] }) tags!: string[];
  @ApiProperty({ description: 'Review type.', enum: REVIEW_TYPES, example: 'none' }) reviewType!: string;
  @ApiProperty({ description: 'Allocation mode.', enum: ALLOCATIONS, example: 'claim-and-assign' }) allocation!: string;
  @ApiProperty({ description: 'Rules (absent: no such rule).', type: PoolRulesDto }) rules!: PoolRulesDto;
  @ApiProperty({ description: 'Who created it.', example: USER_ID, format: 'uuid' }) createdBy!: string;
  @ApiProperty({ description: 'Who changed it last.', example: USER_ID, format: 'uuid' }) updatedBy!: string;
  @ApiProperty({ description: 'Created at.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'Changed at.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) updatedAt!: string;
}

export class PoolPageDto {
  @ApiProperty({ type: [PoolDto], description: 'This page of pools.' }) items!: PoolDto[];
  @ApiProperty({ description: 'Pools in all pages.', example: 3 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}

export class ClaimCustomersDto {
  @ApiProperty({ description: `Customers of the pool to claim (1-${MAX_BATCH}).`, example: [CUSTOMER_ID], type: [String], format: 'uuid' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BATCH) @IsUUID('all', { each: true })
  customerIds!: string[];
}

export class AssignCustomersDto extends ClaimCustomersDto {
  @ApiProperty({ description: 'The user who receives them.', example: USER_ID, format: 'uuid' })
  @IsUUID('all')
  userId!: string;
}

export class TransferCustomersDto extends ClaimCustomersDto {
  @ApiProperty({ description: 'The pool they move to.', example: POOL_ID, format: 'uuid' })
  @IsUUID('all')
  toPoolId!: string;

  @ApiPropertyOptional({ description: 'Why.', example: 'Regional reorganisation.' })
  @ValidateIf(present('reason')) @IsString() @MaxLength(500)
  reason?: string;
}

export class ReturnCustomerDto {
  @ApiProperty({ description: 'Why the customer goes back.', example: 'No budget this year.' })
  @IsString() @IsNotEmpty() @MaxLength(500)
  reason!: string;

  @ApiPropertyOptional({ description: 'The pool to return it to; the organisation\u2019s default pool when absent.', example: POOL_ID, format: 'uuid' })
  @ValidateIf(present('poolId')) @IsUUID('all')
  poolId?: string;
}

export class RecordResultDto {
  @ApiProperty({ description: 'The customer.', example: CUSTOMER_ID, format: 'uuid' }) customerId!: string;
  @ApiProperty({ description: 'Whether this customer\u2019s action succeeded.', enum: ['ok', 'failed'], example: 'ok' }) status!: string;
  @ApiPropertyOptional({ description: 'Why it failed: POOL.HOLD_LIMIT, POOL.DAILY_CLAIM_LIMIT, POOL.RECLAIM_LIMIT, POOL.NOT_IN_POOL, CUSTOMER.NOT_FOUND.', example: 'POOL.DAILY_CLAIM_LIMIT' }) code?: string;
  @ApiPropertyOptional({ description: 'The failure, in words.', example: 'You have made 10 claims from this pool today, the most it allows per day.' }) message?: string;
}

export class BatchResultDto {
  @ApiProperty({ type: [RecordResultDto], description: 'One result per customer named (duplicates once), in order.' }) results!: RecordResultDto[];
}

export class ReturnedCustomerDto {
  @ApiProperty({ description: 'The customer.', example: CUSTOMER_ID, format: 'uuid' }) customerId!: string;
  @ApiProperty({ description: 'The pool it is in now.', example: POOL_ID, format: 'uuid' }) poolId!: string;
}

export class PooledCustomerDto {
  @ApiProperty({ description: 'The customer (sales).', example: CUSTOMER_ID, format: 'uuid' }) customerId!: string;
  @ApiProperty({ description: 'Its number.', example: 'KH-20250328-0001' }) code!: string;
  @ApiProperty({ description: 'Its name.', example: 'Hangzhou Lianhe Machinery Co., Ltd.' }) name!: string;
  @ApiProperty({ description: 'In this pool since.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) inPoolSince!: string;
  @ApiProperty({ description: 'Last follow-up.', example: null, nullable: true, type: String, format: 'date-time' }) lastFollowUpAt!: string | null;
  @ApiProperty({ description: 'Last deal won.', example: null, nullable: true, type: String, format: 'date-time' }) lastDealAt!: string | null;
}

export class PooledCustomerPageDto {
  @ApiProperty({ type: [PooledCustomerDto], description: 'This page of the pool\u2019s customers.' }) items!: PooledCustomerDto[];
  @ApiProperty({ description: 'Customers in the pool.', example: 42 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}

export class OwnershipHistoryEntryDto {
  @ApiProperty({ description: 'Entry id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000600', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The customer.', example: CUSTOMER_ID, format: 'uuid' }) customerId!: string;
  @ApiProperty({ description: 'What happened.', enum: OWNERSHIP_ACTIONS, example: 'claim' }) action!: string;
  @ApiProperty({ description: 'Owner before.', example: null, nullable: true, type: String, format: 'uuid' }) fromOwnerId!: string | null;
  @ApiProperty({ description: 'Owner after.', example: USER_ID, nullable: true, type: String, format: 'uuid' }) toOwnerId!: string | null;
  @ApiProperty({ description: 'Pool before.', example: POOL_ID, nullable: true, type: String, format: 'uuid' }) fromPoolId!: string | null;
  @ApiProperty({ description: 'Pool after.', example: null, nullable: true, type: String, format: 'uuid' }) toPoolId!: string | null;
  @ApiProperty({ description: 'Who did it (null: the system).', example: USER_ID, nullable: true, type: String, format: 'uuid' }) actorId!: string | null;
  @ApiProperty({ description: 'Why (returns, transfers).', example: null, nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ description: 'When.', example: '2025-03-28T09:00:00.000Z', format: 'date-time' }) at!: string;
}

export class OwnershipHistoryPageDto {
  @ApiProperty({ type: [OwnershipHistoryEntryDto], description: 'This page of the history, newest first by default.' }) items!: OwnershipHistoryEntryDto[];
  @ApiProperty({ description: 'Entries in all pages.', example: 3 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}
