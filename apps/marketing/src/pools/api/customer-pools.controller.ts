import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnySignedInUser, Ctx, PoolAccess, RequestContext, RequireRoles } from '@crm/access';
import { Page } from '@crm/kernel';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { Pool } from '../domain';
import { AssignCustomersHandler } from '../application/assign-customers.handler';
import { ClaimCustomersHandler } from '../application/claim-customers.handler';
import { CreatePoolHandler } from '../application/create-pool.handler';
import { RecordResult } from '../application/ownership-move';
import { PooledCustomer, PoolQueries } from '../application/pool-queries';
import { TransferCustomersHandler } from '../application/transfer-customers.handler';
import { UpdatePoolHandler } from '../application/update-pool.handler';
import {
  AssignCustomersDto, BatchResultDto, ClaimCustomersDto, CreatePoolDto, PoolDto, PoolPageDto, PooledCustomerPageDto, TransferCustomersDto, UpdatePoolDto,
} from './pool.dto';

const BATCH = 'Answers 200 with one result per customer (`ok`, or `failed` with the problem code); a request naming one customer answers its failure as the request\u2019s own problem (e.g. 409).';

@ApiTags('customer-pools')
@ApiBearerAuth('bearer')
@Controller('api/v1/customer-pools')
export class CustomerPoolsController {
  constructor(
    private readonly queries: PoolQueries,
    private readonly createPool: CreatePoolHandler,
    private readonly updatePool: UpdatePoolHandler,
    private readonly claim: ClaimCustomersHandler,
    private readonly assign: AssignCustomersHandler,
    private readonly transfer: TransferCustomersHandler,
  ) {}

  @Get()
  @AnySignedInUser()
  @ApiOperation({ summary: 'Customer pools (公海池) you see: every pool for administrators, else those you administer or belong to' })
  @ApiListQuery(['createdAt'], {})
  @ApiOkResponse({ type: PoolPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<Page<Pool>> {
    return this.queries.list(ctx, 'customer', query);
  }

  @Get(':id')
  @PoolAccess('pool-member')
  @ApiOperation({ summary: 'A customer pool (404 unless you administer it, belong to it or are an administrator)' })
  @ApiOkResponse({ type: PoolDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Pool> {
    return this.queries.get(ctx, 'customer', id);
  }

  @Post()
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Create a customer pool, numbered KHMX-YYYYMMDD-NN (administrators)' })
  @ApiCreatedResponse({ type: PoolDto })
  @ApiProblems('forbidden')
  create(@Ctx() ctx: RequestContext, @Body() body: CreatePoolDto): Promise<Pool> {
    return this.createPool.execute(ctx, 'customer', body);
  }

  @Patch(':id')
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Change a customer pool (administrators); making it the default unsets the previous default' })
  @ApiOkResponse({ type: PoolDto })
  @ApiProblems('forbidden', 'not-found')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdatePoolDto): Promise<Pool> {
    return this.updatePool.execute(ctx, 'customer', id, body);
  }

  @Get(':id/customers')
  @PoolAccess('pool-member')
  @ApiOperation({ summary: 'The customers waiting in a pool (its members and administrators)' })
  @ApiListQuery(['inPoolSince', 'name', 'code', 'lastFollowUpAt'], { q: 'Name or code contains (case-insensitive).' })
  @ApiOkResponse({ type: PooledCustomerPageDto })
  @ApiProblems('not-found')
  customers(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<Page<PooledCustomer>> {
    return this.queries.customers(ctx, id, query);
  }

  @Post(':id/claims')
  @HttpCode(200)
  @PoolAccess('pool-member')
  @ApiOperation({
    summary: 'Claim customers of a pool (its members, when the pool lets members claim); the claim limits apply',
    description: `${BATCH} Refusals: POOL.HOLD_LIMIT, POOL.DAILY_CLAIM_LIMIT, POOL.RECLAIM_LIMIT, POOL.NOT_IN_POOL (someone claimed it first). POOL.CLAIMS_DISABLED (409) when the pool is assign-only.`,
  })
  @ApiOkResponse({ type: BatchResultDto })
  @ApiProblems('not-found', 'conflict')
  claimCustomers(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: ClaimCustomersDto): Promise<{ results: RecordResult[] }> {
    return this.claim.execute(ctx, id, body.customerIds);
  }

  @Post(':id/assignments')
  @HttpCode(200)
  @PoolAccess('pool-admin')
  @ApiOperation({
    summary: 'Give customers of a pool to a user (the pool\u2019s administrators and organisation administrators; others 403 POOL.NOT_ADMIN)',
    description: `${BATCH} The receiver\u2019s hold limit applies.`,
  })
  @ApiOkResponse({ type: BatchResultDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  assignCustomers(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: AssignCustomersDto): Promise<{ results: RecordResult[] }> {
    return this.assign.execute(ctx, id, body.customerIds, body.userId);
  }

  @Post(':id/transfers')
  @HttpCode(200)
  @PoolAccess('pool-admin')
  @ApiOperation({ summary: 'Move customers of a pool to another pool (the pool\u2019s administrators and organisation administrators; others 403 POOL.NOT_ADMIN)', description: BATCH })
  @ApiOkResponse({ type: BatchResultDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  transferCustomers(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: TransferCustomersDto): Promise<{ results: RecordResult[] }> {
    return this.transfer.execute(ctx, id, body.customerIds, body.toPoolId, body.reason);
  }
}
