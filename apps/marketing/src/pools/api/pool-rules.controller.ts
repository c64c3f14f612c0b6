import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, PoolAccess, RequestContext } from '@crm/access';
import { ApiProblems } from '@crm/platform';
import { PoolStatus, PoolStatusQuery } from '../application/pool-status.query';
import { RecyclePreview, RecyclePreviewQuery } from '../application/recycle-preview';
import { PoolStatusDto, RecyclePreviewDto, RecyclePreviewRequestDto } from './pool-rules.dto';

/** The pools' rules engine, explained: what a run would do to a pool's customers, and where one customer stands. */
@ApiTags('customer-pools')
@ApiBearerAuth('bearer')
@Controller('api/v1')
export class PoolRulesController {
  constructor(
    private readonly preview: RecyclePreviewQuery,
    private readonly status: PoolStatusQuery,
  ) {}

  @Post('customer-pools/:id/recycle-preview')
  @HttpCode(200)
  @PoolAccess('pool-admin')
  @ApiOperation({
    summary: 'What the rules engine would do as of an instant to the customers this pool governs, changing nothing (the pool\u2019s administrators and organisation administrators; members 403 POOL.NOT_ADMIN)',
    description:
      'Every owned customer that would go back to the pool (`returnNoFollowUpDays`, `returnNoDealDays`) or whose idleness would be reported to the pool\u2019s administrators (`remindNoFollowUpDays`, `remindNoDealDays`), with the rule, its days, since when the clock runs and when it fell due. ' +
      'A pool governs the customers its members claimed or were assigned from it, and, for the organisation\u2019s default pool, every other owned customer. A day is 24 hours; a reminder is sent once per customer, rule and clock start. The scheduled job run at `asOf` does exactly this.',
  })
  @ApiOkResponse({ type: RecyclePreviewDto })
  @ApiProblems('forbidden', 'not-found')
  recyclePreview(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: RecyclePreviewRequestDto): Promise<RecyclePreview> {
    return this.preview.execute(ctx, id, body?.asOf ? new Date(body.asOf) : new Date());
  }

  @Get('customers/:id/pool-status')
  @PoolAccess('customer-owner')
  @ApiOperation({
    summary: 'When and why a customer would go back to its pool (its owner, administrators, and those who see the pool holding it)',
    description: 'The governing pool, the no-follow-up and no-deal clocks, the next return and the next reminder with the rule and dates behind each.',
  })
  @ApiOkResponse({ type: PoolStatusDto })
  @ApiProblems('forbidden', 'not-found')
  poolStatus(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<PoolStatus> {
    return this.status.execute(ctx, id);
  }
}
