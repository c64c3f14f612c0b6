import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnySignedInUser, Ctx, PoolAccess, RequestContext, RequireRoles } from '@crm/access';
import { Page } from '@crm/kernel';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { Pool } from '../domain';
import { CreatePoolHandler } from '../application/create-pool.handler';
import { PoolQueries } from '../application/pool-queries';
import { UpdatePoolHandler } from '../application/update-pool.handler';
import { CreatePoolDto, PoolDto, PoolPageDto, UpdatePoolDto } from './pool.dto';

/** Lead pools (线索池): the customer pools' model, numbered XSMX-…; moving leads in and out belongs to the leads. */
@ApiTags('lead-pools')
@ApiBearerAuth('bearer')
@Controller('api/v1/lead-pools')
export class LeadPoolsController {
  constructor(
    private readonly queries: PoolQueries,
    private readonly createPool: CreatePoolHandler,
    private readonly updatePool: UpdatePoolHandler,
  ) {}

  @Get()
  @AnySignedInUser()
  @ApiOperation({ summary: 'Lead pools (线索池) you see: every pool for administrators, else those you administer or belong to' })
  @ApiListQuery(['createdAt'], {})
  @ApiOkResponse({ type: PoolPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<Page<Pool>> {
    return this.queries.list(ctx, 'lead', query);
  }

  @Get(':id')
  @PoolAccess('pool-member')
  @ApiOperation({ summary: 'A lead pool (404 unless you administer it, belong to it or are an administrator)' })
  @ApiOkResponse({ type: PoolDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Pool> {
    return this.queries.get(ctx, 'lead', id);
  }

  @Post()
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Create a lead pool, numbered XSMX-YYYYMMDD-NN (administrators)' })
  @ApiCreatedResponse({ type: PoolDto })
  @ApiProblems('forbidden')
  create(@Ctx() ctx: RequestContext, @Body() body: CreatePoolDto): Promise<Pool> {
    return this.createPool.execute(ctx, 'lead', body);
  }

  @Patch(':id')
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Change a lead pool (administrators); making it the default unsets the previous default lead pool' })
  @ApiOkResponse({ type: PoolDto })
  @ApiProblems('forbidden', 'not-found')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdatePoolDto): Promise<Pool> {
    return this.updatePool.execute(ctx, 'lead', id, body);
  }
}
