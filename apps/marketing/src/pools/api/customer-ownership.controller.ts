import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, PoolAccess, RequestContext } from '@crm/access';
import { Page } from '@crm/kernel';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { OwnershipHistoryEntry, PoolQueries } from '../application/pool-queries';
import { ReturnCustomerHandler, ReturnedCustomer } from '../application/return-customer.handler';
import { OwnershipHistoryPageDto, ReturnCustomerDto, ReturnedCustomerDto } from './pool.dto';

/** Marketing's sub-resources of a customer (the gateway routes exactly these paths here; the rest of /customers is sales'). */
@ApiTags('customer-pools')
@ApiBearerAuth('bearer')
@Controller('api/v1/customers')
export class CustomerOwnershipController {
  constructor(
    private readonly queries: PoolQueries,
    private readonly returnCustomer: ReturnCustomerHandler,
  ) {}

  @Post(':id/return')
  @HttpCode(200)
  @PoolAccess('customer-owner')
  @ApiOperation({
    summary: 'Return your customer to a pool, with a reason (its owner, or an administrator; others 403 POOL.NOT_OWNER)',
    description: 'To `poolId`, else to the organisation\u2019s default pool: 409 POOL.NO_DEFAULT_POOL when there is none.',
  })
  @ApiOkResponse({ type: ReturnedCustomerDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  returnToPool(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: ReturnCustomerDto): Promise<ReturnedCustomer> {
    return this.returnCustomer.execute(ctx, id, body.reason, body.poolId);
  }

  @Get(':id/ownership-history')
  @PoolAccess('customer-owner')
  @ApiOperation({ summary: 'Every change of hands of a customer: claims, assignments, returns, transfers, recycling (its owner, administrators, and those who see the pool holding it)' })
  @ApiListQuery(['at'], {})
  @ApiOkResponse({ type: OwnershipHistoryPageDto })
  @ApiProblems('forbidden', 'not-found')
  history(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<Page<OwnershipHistoryEntry>> {
    return this.queries.history(ctx, id, query);
  }
}
