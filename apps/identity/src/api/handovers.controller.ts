import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Ctx, RequestContext, RequireRoles } from '@crm/access';
import { ListSpec, UUID_PATTERN, parseListQuery, validationError } from '@crm/kernel';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { HandoverView, findHandover, handoverNotFound, listHandovers } from '../application/handovers/handover-view';
import { StartHandoverHandler } from '../application/handovers/start-handover.handler';
import { HandoverDto, HandoverPageDto, StartHandoverDto } from './handover.dto';

const LIST: ListSpec = { sortable: ['createdAt'], filterable: ['fromUserId', 'status'], defaultSort: [{ field: 'createdAt', direction: 'DESC' }] };

@ApiTags('handovers')
@ApiBearerAuth('bearer')
@RequireRoles('admin')
@Controller('api/v1/handovers')
export class HandoversController {
  constructor(
    private readonly start: StartHandoverHandler,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Hand every record a leaving user owns, in every service, to another user (administrators)',
    description:
      'Starts a job: each business service moves the leaver\u2019s records (customers, contacts, follow-ups, ...) to the receiver in one transaction, with one audit entry per record, and reports its counts. ' +
      'Poll `GET /api/v1/handovers/{id}` for progress. Repeating the request while the job runs answers the same job (200); after it completed, a new job finds nothing left to move.',
  })
  @ApiCreatedResponse({ type: HandoverDto, description: 'The job started.' })
  @ApiOkResponse({ type: HandoverDto, description: 'The same handover is already running: that job.' })
  @ApiProblems('forbidden', 'conflict')
  async create(@Ctx() ctx: RequestContext, @Body() body: StartHandoverDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<HandoverView> {
    const { handover, created } = await this.start.execute(ctx, body);
    void reply.status(created ? 201 : 200);
    return handover;
  }

  @Get()
  @ApiOperation({ summary: 'List handovers, newest first (administrators)' })
  @ApiListQuery(['createdAt'], { fromUserId: 'Handovers of this leaving user.', status: '`running` or `completed`.' })
  @ApiOkResponse({ type: HandoverPageDto })
  @ApiProblems('forbidden')
  async list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<HandoverPageDto> {
    const q = parseListQuery(query, LIST);
    const { fromUserId, status } = q.filters;
    if (status !== undefined && status !== 'running' && status !== 'completed') throw validationError([{ field: 'status', message: 'must be running or completed' }]);
    if (fromUserId !== undefined && !UUID_PATTERN.test(fromUserId)) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    return listHandovers(this.dataSource.manager, ctx.caller.tenantId, q.page, q.pageSize, { fromUserId, status });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A handover\u2019s progress: status, and per service what it has transferred (administrators)' })
  @ApiOkResponse({ type: HandoverDto })
  @ApiProblems('forbidden', 'not-found')
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<HandoverView> {
    const handover = await findHandover(this.dataSource.manager, ctx.caller.tenantId, id);
    if (!handover) throw handoverNotFound();
    return handover;
  }
}
