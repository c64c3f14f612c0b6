import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { CreateFollowUpHandler, DeleteFollowUpHandler, UpdateFollowUpHandler } from '../application/follow-ups/follow-up-commands';
import { FollowUpQueries } from '../application/follow-ups/follow-up-queries';
import { FollowUpView } from '../application/follow-ups/follow-up-view';
import { CreateFollowUpDto, FollowUpDto, FollowUpPageDto, UpdateFollowUpDto } from './follow-up.dto';
import { Ctx, DataScoped, RequestContext } from '@crm/access';

@ApiTags('follow-ups')
@ApiBearerAuth('bearer')
@Controller('api/v1/follow-ups')
export class FollowUpsController {
  constructor(
    private readonly queries: FollowUpQueries,
    private readonly createFollowUp: CreateFollowUpHandler,
    private readonly updateFollowUp: UpdateFollowUpHandler,
    private readonly deleteFollowUp: DeleteFollowUpHandler,
  ) {}

  @Get()
  @DataScoped('follow-up', 'query')
  @ApiOperation({ summary: 'List the follow-ups your data scope lets you query' })
  @ApiListQuery(['time', 'createdAt'], { customerId: 'Follow-ups of this customer.' })
  @ApiOkResponse({ type: FollowUpPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<FollowUpPageDto> {
    return this.queries.list(ctx, query);
  }

  @Get(':id')
  @DataScoped('follow-up', 'view', { record: 'path' })
  @ApiOperation({ summary: 'Get a follow-up' })
  @ApiOkResponse({ type: FollowUpDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<FollowUpView> {
    return this.queries.get(ctx, id);
  }

  @Post()
  @DataScoped('customer', 'edit', { record: 'body.customerId' })
  @ApiOperation({ summary: 'Record a follow-up on a customer you may edit; you are its author' })
  @ApiCreatedResponse({ type: FollowUpDto })
  @ApiProblems('forbidden', 'not-found')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateFollowUpDto): Promise<FollowUpView> {
    return this.createFollowUp.execute(ctx, body);
  }

  @Patch(':id')
  @DataScoped('follow-up', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'Correct a follow-up (403 when you may view but not edit it)' })
  @ApiOkResponse({ type: FollowUpDto })
  @ApiProblems('forbidden', 'not-found')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateFollowUpDto): Promise<FollowUpView> {
    return this.updateFollowUp.execute(ctx, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @DataScoped('follow-up', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'Delete a follow-up (soft delete)' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('forbidden', 'not-found')
  async remove(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.deleteFollowUp.execute(ctx, id);
  }
}
