import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AnySignedInUser, Ctx, DataScoped, RequestContext, RequireRoles } from '@crm/access';
import { ApiProblems } from '@crm/platform';
import { CheckDuplicatesHandler, DuplicateCheckResult } from '../application/check-duplicates';
import { DuplicateRuleView, DuplicateRulesService } from '../application/duplicate-rules';
import { LeadDuplicateWarnings, LeadDuplicateWarningsQuery } from '../application/lead-duplicates';
import { CheckDuplicatesDto, CreateDuplicateRuleDto, DuplicateCheckDto, DuplicateRuleDto, DuplicateRuleListDto, FieldMatchDto, LeadDuplicateWarningsDto, UpdateDuplicateRuleDto } from './duplicate.dto';

const RULE_ID = ApiParam({ name: 'id', description: 'Rule id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000700' });

@ApiTags('duplicates')
@ApiBearerAuth('bearer')
@ApiExtraModels(FieldMatchDto)
@Controller('api/v1/duplicate-rules')
export class DuplicateRulesController {
  constructor(private readonly rules: DuplicateRulesService) {}

  @Get()
  @AnySignedInUser()
  @ApiOperation({
    summary: 'The organisation\u2019s duplicate rules (查重规则)',
    description: 'Defaults on first use: the unified social credit code blocks; similar names, same phones and e-mails warn; leads are checked against leads, customers and contacts.',
  })
  @ApiOkResponse({ type: DuplicateRuleListDto })
  @ApiProblems()
  async list(@Ctx() ctx: RequestContext): Promise<{ items: DuplicateRuleView[] }> {
    return { items: await this.rules.list(ctx.caller.tenantId) };
  }

  @Post()
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Add a duplicate rule (administrators); 400 `DUPLICATE.INVALID_RULE` names each problem' })
  @ApiCreatedResponse({ type: DuplicateRuleDto })
  @ApiProblems('forbidden')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateDuplicateRuleDto): Promise<DuplicateRuleView> {
    return this.rules.create(ctx.caller.tenantId, body);
  }

  @Patch(':id')
  @RequireRoles('admin')
  @RULE_ID
  @ApiOperation({ summary: 'Change a duplicate rule (administrators): name, combinations, targets, action, enabled; the object stays' })
  @ApiOkResponse({ type: DuplicateRuleDto })
  @ApiProblems('forbidden', 'not-found')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateDuplicateRuleDto): Promise<DuplicateRuleView> {
    return this.rules.update(ctx.caller.tenantId, id, body);
  }

  @Delete(':id')
  @RequireRoles('admin')
  @HttpCode(204)
  @RULE_ID
  @ApiOperation({ summary: 'Delete a duplicate rule (administrators); a deleted default is not given again' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('forbidden', 'not-found')
  async remove(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.rules.remove(ctx.caller.tenantId, id);
  }
}

@ApiTags('duplicates')
@ApiBearerAuth('bearer')
@Controller('api/v1/duplicates')
export class DuplicatesController {
  constructor(private readonly check: CheckDuplicatesHandler) {}

  @Post('check')
  @HttpCode(200)
  @AnySignedInUser()
  @ApiOperation({
    summary: 'Check a record for duplicates (查重) before writing it',
    description:
      'Applies the organisation\u2019s rules for `object` to `record` and answers the candidates best first, with the fields that matched and their scores, and the `outcome` a write would meet ' +
      '(`block`, `warn`, `clear`). Leads, customers and contacts are searched as the rules\u2019 targets name them. A candidate outside your view scope is masked to ' +
      '`{object, visible: false, exists: true, ownerDepartment}`; it still counts for the outcome. Opportunities are not indexed in marketing: their check finds nothing.',
  })
  @ApiOkResponse({ type: DuplicateCheckDto })
  @ApiProblems()
  run(@Ctx() ctx: RequestContext, @Body() body: CheckDuplicatesDto): Promise<DuplicateCheckResult> {
    return this.check.execute(ctx.caller, body.object, body.record);
  }
}

/** The flag a warning rule left on a lead (a sub-resource of marketing's leads). */
@ApiTags('duplicates')
@ApiBearerAuth('bearer')
@Controller('api/v1/leads')
export class LeadDuplicateWarningsController {
  constructor(private readonly warnings: LeadDuplicateWarningsQuery) {}

  @Get(':id/duplicate-warnings')
  @DataScoped('lead', 'view', { record: 'path' })
  @ApiParam({ name: 'id', description: 'Lead id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000500' })
  @ApiOperation({ summary: 'The similar records a lead was created or last changed with, under warning duplicate rules (404 when your view scope does not reach the lead)' })
  @ApiOkResponse({ type: LeadDuplicateWarningsDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<LeadDuplicateWarnings> {
    return this.warnings.execute(ctx, id);
  }
}
