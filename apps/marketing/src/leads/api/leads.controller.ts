import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AnySignedInUser, Ctx, DataScoped, RequestContext } from '@crm/access';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { ConvertLeadHandler } from '../application/convert-lead.handler';
import { ChangeLeadStatusHandler, CreateLeadHandler, DeleteLeadHandler, UpdateLeadHandler } from '../application/lead-commands';
import { LeadFollowUpView, RecordLeadFollowUpHandler } from '../application/lead-follow-ups';
import { LEAD_SORTABLE, LeadQueries } from '../application/lead-queries';
import { ConversionView, LeadView } from '../application/lead-view';
import { ChangeLeadStatusDto, ConvertLeadDto, CreateLeadDto, CreateLeadFollowUpDto, LeadConversionDto, LeadDto, LeadFollowUpDto, LeadPageDto, UpdateLeadDto } from './lead.dto';

@ApiTags('leads')
@ApiBearerAuth('bearer')
@Controller('api/v1/leads')
export class LeadsController {
  constructor(
    private readonly queries: LeadQueries,
    private readonly createLead: CreateLeadHandler,
    private readonly updateLead: UpdateLeadHandler,
    private readonly changeStatus: ChangeLeadStatusHandler,
    private readonly deleteLead: DeleteLeadHandler,
    private readonly recordFollowUp: RecordLeadFollowUpHandler,
    private readonly convertLead: ConvertLeadHandler,
  ) {}

  @Get()
  @DataScoped('lead', 'query')
  @ApiOperation({ summary: 'List the leads your data scope lets you query' })
  @ApiListQuery(LEAD_SORTABLE, {
    status: 'Status equals: new, following, converted or invalid.',
    ownerId: 'Leads of this owner.',
    q: 'Company, name, phone, e-mail or code contains (case-insensitive).',
  })
  @ApiOkResponse({ type: LeadPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<LeadPageDto> {
    return this.queries.list(ctx, query);
  }

  @Get(':id')
  @DataScoped('lead', 'view', { record: 'path' })
  @ApiOperation({ summary: 'Get a lead with its latest conversion (404 when your view scope does not reach it)' })
  @ApiOkResponse({ type: LeadDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<LeadView> {
    return this.queries.get(ctx, id);
  }

  @Post()
  @AnySignedInUser()
  @ApiOperation({
    summary: 'Create a lead; you become its owner, it starts `new` and gets the next XS- number',
    description: 'Duplicate rules (查重) apply: a blocking match answers 409 `DUPLICATE.BLOCKED` with the candidates (masked outside your view scope); warning matches come back as `duplicateWarnings`.',
  })
  @ApiCreatedResponse({ type: LeadDto })
  @ApiProblems('conflict')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateLeadDto): Promise<LeadView> {
    return this.createLead.execute(ctx, body);
  }

  @Patch(':id')
  @DataScoped('lead', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'Change a lead (403 when you may view but not edit it; 409 once converted or while converting)' })
  @ApiOkResponse({ type: LeadDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateLeadDto): Promise<LeadView> {
    return this.updateLead.execute(ctx, id, body);
  }

  @Put(':id/status')
  @DataScoped('lead', 'edit', { record: 'path' })
  @ApiOperation({
    summary: 'Move a lead to following or invalid',
    description:
      'new → following | invalid; following → invalid; invalid → following (reopen). `converted` is set only by a completed conversion and is final. ' +
      '409 `LEAD.INVALID_TRANSITION` for other moves, `LEAD.ALREADY_CONVERTED` on a converted lead, `LEAD.CONVERSION_PENDING` while converting.',
  })
  @ApiOkResponse({ type: LeadDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  status(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: ChangeLeadStatusDto): Promise<LeadView> {
    return this.changeStatus.execute(ctx, id, body.status);
  }

  @Delete(':id')
  @HttpCode(204)
  @DataScoped('lead', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'Delete a lead (soft delete; a converted lead stays, as the record of where its customer came from)' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  async remove(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.deleteLead.execute(ctx, id);
  }

  @Post(':id/follow-ups')
  @DataScoped('lead', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'Record a follow-up on a lead; the first one moves a new lead to following' })
  @ApiCreatedResponse({ type: LeadFollowUpDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  followUp(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: CreateLeadFollowUpDto): Promise<LeadFollowUpView> {
    return this.recordFollowUp.execute(ctx, id, body);
  }

  @Get(':id/follow-ups')
  @DataScoped('lead', 'view', { record: 'path' })
  @ApiOperation({ summary: 'A lead\u2019s follow-ups, latest first' })
  @ApiOkResponse({ type: [LeadFollowUpDto] })
  @ApiProblems('not-found')
  followUps(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<LeadFollowUpView[]> {
    return this.queries.followUps(ctx, id);
  }

  @Post(':id/convert')
  @DataScoped('lead', 'edit', { record: 'path' })
  @ApiOperation({
    summary: 'Convert a lead into a customer and a contact (you become their owner)',
    description:
      'Marketing records a pending conversion and asks sales, which creates the customer (next KH- number) and the contact once per conversion; the lead then shows ' +
      '`status: converted`, `customerId`, `contactId` and `conversion.status: completed` (poll `GET /api/v1/leads/{id}`). The lead\u2019s source and industry are kept on the customer ' +
      'when they are enabled dictionary codes, else noted in its remarks. Asking again while pending answers the same conversion (200); a converted lead answers 409 ' +
      '`LEAD.ALREADY_CONVERTED`; an invalid one 409 `LEAD.NOT_CONVERTIBLE`; after a failed conversion you may ask again.',
  })
  @ApiAcceptedResponse({ type: LeadConversionDto, description: 'The conversion was asked for.' })
  @ApiOkResponse({ type: LeadConversionDto, description: 'A conversion of this lead is already under way: that one.' })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  async convert(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: ConvertLeadDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConversionView> {
    const { conversion, created } = await this.convertLead.execute(ctx, id, body);
    void reply.status(created ? 202 : 200);
    return conversion;
  }
}
