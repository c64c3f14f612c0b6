import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { CreateFollowUpHandler } from '../application/follow-ups/create-follow-up.handler';
import { FollowUpQueries } from '../application/follow-ups/follow-up-queries';
import { FollowUpView } from '../application/follow-ups/follow-up-view';
import { CreateFollowUpDto, FollowUpDto, FollowUpPageDto } from './follow-up.dto';
import { Ctx, RequestContext } from '@crm/access';

@ApiTags('follow-ups')
@ApiBearerAuth('bearer')
@Controller('api/v1/follow-ups')
export class FollowUpsController {
  constructor(
    private readonly queries: FollowUpQueries,
    private readonly createFollowUp: CreateFollowUpHandler,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List the follow-ups your data scope lets you query' })
  @ApiListQuery(['time', 'createdAt'], { customerId: 'Follow-ups of this customer.' })
  @ApiOkResponse({ type: FollowUpPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<FollowUpPageDto> {
    return this.queries.list(ctx, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a follow-up' })
  @ApiOkResponse({ type: FollowUpDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<FollowUpView> {
    return this.queries.get(ctx, id);
  }

  @Post()
  @ApiOperation({ summary: 'Record a follow-up on a customer you may edit; you are its author' })
  @ApiCreatedResponse({ type: FollowUpDto })
  @ApiProblems('forbidden', 'not-found')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateFollowUpDto): Promise<FollowUpView> {
    return this.createFollowUp.execute(ctx, body);
  }
}
